#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: secure }
spec:
  securityContext: {}
  containers:
    - name: app
      image: busybox:1.36
      command: [sleep, "3600"]
      securityContext: { runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }
YAML
