#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: app, namespace: default }
spec:
  initContainers:
    - name: shipper
      image: busybox:1.36
      command: [sleep, "3600"]
      restartPolicy: Always
  containers:
    - name: web
      image: nginx:1.27
YAML
kubectl wait --for=condition=Ready pod/app --timeout=60s
