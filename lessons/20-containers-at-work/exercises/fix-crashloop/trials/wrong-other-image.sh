#!/usr/bin/env bash
set -euo pipefail
kubectl set image deployment/api api=nginx:1.27
kubectl patch deployment api --type=json -p '[{"op":"remove","path":"/spec/template/spec/containers/0/command"},{"op":"remove","path":"/spec/template/spec/containers/0/args"}]'
kubectl rollout status deployment/api --timeout=120s
