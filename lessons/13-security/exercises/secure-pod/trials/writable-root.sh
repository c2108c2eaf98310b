#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: secure }
spec:
  securityContext: { runAsNonRoot: true }
  containers:
    - name: nginx
      image: nginx:1.27
      securityContext: { runAsUser: 101, allowPrivilegeEscalation: false }
YAML
