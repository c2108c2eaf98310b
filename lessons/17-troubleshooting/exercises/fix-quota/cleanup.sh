#!/usr/bin/env bash
set -euo pipefail
kubectl -n kube-system delete configmap kubelab-setup-fix-quota --ignore-not-found
