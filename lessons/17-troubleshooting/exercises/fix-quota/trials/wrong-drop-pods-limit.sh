#!/usr/bin/env bash
set -euo pipefail
# Swaps the pod limit for a CPU one: the pods are no longer limited at all.
kubectl -n team-b patch resourcequota team-b-quota --type=json -p '[{"op":"replace","path":"/spec/hard","value":{"requests.cpu":"4"}}]'
