#!/usr/bin/env bash
set -euo pipefail
kubectl -n kube-system delete configmap kubelab-setup-fix-service --ignore-not-found
