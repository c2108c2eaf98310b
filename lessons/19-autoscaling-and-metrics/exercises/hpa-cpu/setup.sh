#!/usr/bin/env bash
set -euo pipefail
kubectl delete hpa web --ignore-not-found
kubectl delete deployment web --ignore-not-found --wait=true
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl set resources deployment web --requests=cpu=100m
kubectl rollout status deployment/web --timeout=90s
