#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: app-init }
spec:
  initContainers:
    - { name: prepare, image: busybox:1.36, command: ["true"] }
    - { name: wait, image: docker.io/library/busybox:1.36, command: [sh, -c, "sleep 2"] }
  containers:
    - { name: app, image: nginx:1.27, ports: [{ containerPort: 80 }] }
YAML
