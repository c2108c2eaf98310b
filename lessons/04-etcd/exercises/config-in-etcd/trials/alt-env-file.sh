#!/usr/bin/env bash
set -euo pipefail
env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
printf 'mode=production\nreplicas=3\n' > "$env_file"
kubectl create configmap app-config --from-env-file="$env_file"
