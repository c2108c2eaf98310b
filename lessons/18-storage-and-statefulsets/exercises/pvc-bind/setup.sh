#!/usr/bin/env bash
set -euo pipefail
kubectl delete pod writer --ignore-not-found --wait=true
kubectl delete pvc data --ignore-not-found --wait=true
