#!/usr/bin/env bash
# Back to namespace default in the learner's own kubeconfig, so later lessons' commands land where they expect.
set -euo pipefail
kubectl --kubeconfig "$LEARNER_KUBECONFIG" config set-context --current --namespace=default
kubectl delete namespace team-a --ignore-not-found --wait=true
