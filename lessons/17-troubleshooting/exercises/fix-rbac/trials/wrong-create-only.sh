#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-a patch role deployer --type=json -p '[{"op":"add","path":"/rules/0/verbs/-","value":"create"}]'
