#!/usr/bin/env bash
set -euo pipefail
kubectl patch node "$WORKER2" --type=merge -p '{"spec":{"taints":[{"key":"dedicated","value":"infra","effect":"NoSchedule"}]}}'
