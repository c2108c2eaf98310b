#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-a patch role deployer --type=json -p '[{"op":"replace","path":"/rules/0/verbs","value":["get","list","create","update"]}]'
