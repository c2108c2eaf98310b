#!/usr/bin/env bash
set -euo pipefail
kubectl set image deployment/web nginx=nginx:1.28
kubectl rollout status deployment/web --timeout=90s
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --timeout=90s
