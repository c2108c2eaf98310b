#!/usr/bin/env bash
set -euo pipefail
kubectl drain "$WORKER1" --ignore-daemonsets --delete-emptydir-data --timeout=90s
kubectl rollout status deployment/web --timeout=90s
