#!/usr/bin/env bash
set -euo pipefail
kubectl delete ingressclass nginx --ignore-not-found
