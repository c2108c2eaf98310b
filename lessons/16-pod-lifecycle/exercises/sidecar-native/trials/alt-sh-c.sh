#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: app, namespace: default }
spec:
  initContainers:
    - name: prepare
      image: busybox:1.36
      command: [sh, -c, "echo ready > /tmp/ready"]
    - name: shipper
      image: docker.io/library/busybox:1.36
      restartPolicy: Always
      command: [sh, -c]
      args: ["sleep 3600"]
  containers:
    - name: web
      image: nginx:1.27
YAML
kubectl wait --for=condition=Ready pod/app --timeout=60s
