#!/usr/bin/env bash
set -euo pipefail
kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.28"}]'
kubectl rollout status deployment/web --timeout=90s
kubectl rollout undo deployment/web --to-revision=1
kubectl rollout status deployment/web --timeout=90s
