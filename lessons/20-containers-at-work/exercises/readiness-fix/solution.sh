#!/usr/bin/env bash
set -euo pipefail
# nginx's default site answers 404 for /healthz; / answers 200.
kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/httpGet/path","value":"/"}]'
kubectl rollout status deployment/web --timeout=120s
