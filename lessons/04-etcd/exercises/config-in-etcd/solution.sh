#!/usr/bin/env bash
set -euo pipefail
kubectl create configmap app-config --from-literal=mode=production --from-literal=replicas=3
