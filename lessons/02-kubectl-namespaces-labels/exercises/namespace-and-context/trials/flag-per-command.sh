#!/usr/bin/env bash
# Uses -n team-a on each command instead of changing the context's default.
set -euo pipefail
kubectl create namespace team-a
kubectl get pods -n team-a
