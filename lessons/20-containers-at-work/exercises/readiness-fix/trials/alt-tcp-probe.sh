#!/usr/bin/env bash
set -euo pipefail
kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe","value":{"tcpSocket":{"port":80},"periodSeconds":5}}]'
kubectl rollout status deployment/web --timeout=120s
