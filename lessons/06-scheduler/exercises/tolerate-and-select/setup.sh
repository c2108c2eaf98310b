#!/usr/bin/env bash
set -euo pipefail
kubectl taint node "$WORKER2" dedicated=infra:NoSchedule --overwrite
