#!/usr/bin/env bash
set -euo pipefail
kubectl uncordon "$WORKER1"
kubectl taint node "$WORKER1" maintenance- 2>/dev/null || true
kubectl delete pods -n default -l kubelab.io/probe=true --ignore-not-found --grace-period=0
