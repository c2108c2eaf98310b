#!/usr/bin/env bash
set -euo pipefail
kubectl create configmap app-config --from-literal=Mode=production --from-literal=replicas=3
