#!/usr/bin/env bash
# deployer may delete Deployments too.
set -euo pipefail
./solution.sh
kubectl patch role deployer -n bookstore --type=json -p '[{"op":"add","path":"/rules/0/verbs/-","value":"delete"}]'
