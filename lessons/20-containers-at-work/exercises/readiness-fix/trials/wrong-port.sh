#!/usr/bin/env bash
set -euo pipefail
kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/httpGet","value":{"path":"/","port":8080}}]'
