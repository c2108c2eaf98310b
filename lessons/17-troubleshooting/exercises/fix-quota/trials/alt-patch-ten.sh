#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-b patch resourcequota team-b-quota --type=merge -p '{"spec":{"hard":{"pods":"10"}}}'
