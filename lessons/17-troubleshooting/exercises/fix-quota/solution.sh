#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-b patch resourcequota team-b-quota --type=merge -p '{"spec":{"hard":{"pods":"3"}}}'
kubectl -n team-b rollout status deployment/worker --timeout=90s
