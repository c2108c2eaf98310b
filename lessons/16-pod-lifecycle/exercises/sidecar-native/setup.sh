#!/usr/bin/env bash
set -euo pipefail
kubectl delete pod app --ignore-not-found --wait=true
