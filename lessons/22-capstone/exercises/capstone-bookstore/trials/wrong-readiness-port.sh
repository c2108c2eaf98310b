#!/usr/bin/env bash
# The readiness probe asks port 8080.
set -euo pipefail
./solution.sh
kubectl patch deployment web -n bookstore --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/httpGet/port","value":8080}]'
