#!/usr/bin/env bash
set -euo pipefail
kubectl taint node "$WORKER1" maintenance-
