#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: hello, labels: { app: hello } }
spec:
  containers:
    - { name: web, image: nginx:1.27 }
    - { name: sidecar, image: busybox:1.36, command: [sleep, infinity] }
YAML
