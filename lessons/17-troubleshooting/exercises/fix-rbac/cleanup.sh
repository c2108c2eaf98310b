#!/usr/bin/env bash
set -euo pipefail
kubectl delete clusterrolebinding ci-deployer ci-edit --ignore-not-found
kubectl delete clusterrole deployer --ignore-not-found
