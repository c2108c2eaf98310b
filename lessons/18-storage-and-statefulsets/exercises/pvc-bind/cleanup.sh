#!/usr/bin/env bash
set -euo pipefail
# The Pod first: a claim a Pod mounts is held by its protection finalizer.
kubectl delete pod writer --ignore-not-found --wait=true
kubectl delete pvc data --ignore-not-found --wait=false
