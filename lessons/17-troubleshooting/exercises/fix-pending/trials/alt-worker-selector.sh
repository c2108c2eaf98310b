#!/usr/bin/env bash
set -euo pipefail
kubectl patch deployment api --type=merge -p '{"spec":{"template":{"spec":{"nodeSelector":{"disktype":null,"kubelab.io/worker":"1"}}}}}'
kubectl set resources deployment api --requests=cpu=250m,memory=64Mi
kubectl rollout status deployment/api --timeout=90s
