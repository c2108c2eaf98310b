#!/usr/bin/env bash
set -euo pipefail
kubectl patch deployment web --type=json -p '[{"op":"remove","path":"/spec/template/spec/containers/0/readinessProbe"}]'
kubectl rollout status deployment/web --timeout=120s
