#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: hello
  namespace: default
  labels: { app: hello, tier: frontend }
spec:
  containers:
    - name: web
      image: docker.io/library/nginx:1.27
YAML
