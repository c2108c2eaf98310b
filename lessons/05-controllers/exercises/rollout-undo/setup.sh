#!/usr/bin/env bash
set -euo pipefail
# The learner's lab persists across lessons: a web from an earlier exercise is replaced, so
# this one starts from a known state (and, for rollout-undo, from revision 1).
kubectl delete deployment web --ignore-not-found --wait=true
kubectl create deployment web --image=nginx:1.27 --replicas=3
kubectl rollout status deployment/web --timeout=90s
