#!/usr/bin/env bash
set -euo pipefail
kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80
kubectl rollout status deployment/web --timeout=90s
