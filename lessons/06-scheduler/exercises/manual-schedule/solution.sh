#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata: { name: manual }
spec:
  nodeName: $WORKER1
  containers: [{ name: nginx, image: nginx:1.27 }]
YAML
