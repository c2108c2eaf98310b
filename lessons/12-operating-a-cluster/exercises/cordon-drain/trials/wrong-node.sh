#!/usr/bin/env bash
set -euo pipefail
kubectl drain "$WORKER2" --ignore-daemonsets --timeout=90s
kubectl rollout status deployment/web --timeout=90s
