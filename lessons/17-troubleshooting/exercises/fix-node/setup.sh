#!/usr/bin/env bash
set -euo pipefail
# Two things keep Pods away: the node is cordoned, and it carries a taint of its own.
kubectl cordon "$WORKER1"
kubectl taint node "$WORKER1" maintenance=planned:NoSchedule --overwrite
