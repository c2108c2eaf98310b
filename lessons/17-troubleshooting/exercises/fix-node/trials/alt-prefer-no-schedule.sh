#!/usr/bin/env bash
set -euo pipefail
kubectl taint node "$WORKER1" maintenance=planned:PreferNoSchedule
kubectl taint node "$WORKER1" maintenance=planned:NoSchedule-
kubectl uncordon "$WORKER1"
