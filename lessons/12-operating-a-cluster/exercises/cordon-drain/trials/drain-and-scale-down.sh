#!/usr/bin/env bash
# Scaling down instead of letting the controller move the pods.
set -euo pipefail
kubectl cordon "$WORKER1"
kubectl scale deployment web --replicas=2
kubectl delete pods -l app=web --field-selector "spec.nodeName=$WORKER1" --wait=true
