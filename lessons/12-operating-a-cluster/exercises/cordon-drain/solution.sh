#!/usr/bin/env bash
set -euo pipefail
# --force: bare Pods from earlier lessons (no controller to recreate them) may sit on worker 1.
kubectl drain "$WORKER1" --ignore-daemonsets --delete-emptydir-data --force --timeout=90s
kubectl rollout status deployment/web --timeout=90s
