#!/usr/bin/env bash
set -euo pipefail
kubectl create deployment db --image=postgres:16 --replicas=2 --port=5432
kubectl rollout status deployment/db --timeout=90s
