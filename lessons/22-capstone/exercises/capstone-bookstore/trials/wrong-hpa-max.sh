#!/usr/bin/env bash
# The HPA allows at most 5 replicas.
set -euo pipefail
./solution.sh
kubectl patch hpa web -n bookstore --type=merge -p '{"spec":{"maxReplicas":5}}'
