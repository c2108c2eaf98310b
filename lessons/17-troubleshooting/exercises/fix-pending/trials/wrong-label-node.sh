#!/usr/bin/env bash
set -euo pipefail
kubectl label node "$WORKER1" disktype=nvme
kubectl set resources deployment api --requests=cpu=100m
kubectl rollout status deployment/api --timeout=90s
