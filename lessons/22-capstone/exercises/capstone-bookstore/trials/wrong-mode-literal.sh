#!/usr/bin/env bash
# MODE written into the Deployment as a value, not taken from the ConfigMap.
set -euo pipefail
./solution.sh
kubectl set env deployment/web -n bookstore MODE=production
