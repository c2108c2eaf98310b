#!/usr/bin/env bash
set -euo pipefail
kubectl label node "$WORKER2" disk=ssd
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: fast }
spec:
  nodeSelector: { disk: ssd }
  containers: [{ name: nginx, image: nginx:1.27 }]
YAML
