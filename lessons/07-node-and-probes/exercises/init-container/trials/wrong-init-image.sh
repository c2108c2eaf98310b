#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: app-init }
spec:
  initContainers:
    - { name: wait, image: busybox:1.35, command: [sleep, "2"] }
  containers:
    - { name: app, image: nginx:1.27 }
YAML
