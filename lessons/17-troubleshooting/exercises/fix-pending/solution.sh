#!/usr/bin/env bash
set -euo pipefail
kubectl patch deployment api --type=json -p '[
  {"op":"remove","path":"/spec/template/spec/nodeSelector"},
  {"op":"replace","path":"/spec/template/spec/containers/0/resources/requests/cpu","value":"100m"}
]'
kubectl rollout status deployment/api --timeout=90s
