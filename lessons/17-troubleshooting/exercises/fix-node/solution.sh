#!/usr/bin/env bash
set -euo pipefail
kubectl uncordon "$WORKER1"
kubectl taint node "$WORKER1" maintenance-
