#!/usr/bin/env bash
set -euo pipefail
kubectl uncordon "$WORKER1"
