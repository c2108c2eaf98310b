#!/usr/bin/env bash
set -euo pipefail
kubectl cordon "$WORKER1"
