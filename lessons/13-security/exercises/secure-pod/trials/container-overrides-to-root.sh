#!/usr/bin/env bash
# The pod says non-root, the container says user 0: the container's setting is the effective one.
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: secure }
spec:
  securityContext: { runAsNonRoot: true, runAsUser: 1000 }
  containers:
    - name: app
      image: busybox:1.36
      command: [sleep, "3600"]
      securityContext: { runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }
YAML
