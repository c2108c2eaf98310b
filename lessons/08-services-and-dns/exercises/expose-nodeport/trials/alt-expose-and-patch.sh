#!/usr/bin/env bash
set -euo pipefail
kubectl expose deployment web --name=web-public --type=NodePort --port=80
kubectl patch service web-public --type=json -p '[{"op":"replace","path":"/spec/ports/0/nodePort","value":30080}]'
