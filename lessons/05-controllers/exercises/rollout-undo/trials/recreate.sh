#!/usr/bin/env bash
# Deleting and re-creating gives nginx:1.27 but throws the history away.
set -euo pipefail
kubectl delete deployment web
kubectl create deployment web --image=nginx:1.27 --replicas=3
kubectl rollout status deployment/web --timeout=90s
