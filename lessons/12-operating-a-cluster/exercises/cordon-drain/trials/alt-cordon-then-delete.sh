#!/usr/bin/env bash
set -euo pipefail
kubectl cordon "$WORKER1"
kubectl delete pods -l app=web --field-selector "spec.nodeName=$WORKER1"
kubectl rollout status deployment/web --timeout=90s
