#!/usr/bin/env bash
set -euo pipefail
kubectl patch service web --type=json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]'
