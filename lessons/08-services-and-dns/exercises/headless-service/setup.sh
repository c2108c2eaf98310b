#!/usr/bin/env bash
set -euo pipefail
# The learner's lab persists across lessons: a db from an earlier exercise is replaced, so
# this one starts from a known state (and, for rollout-undo, from revision 1).
kubectl delete deployment db --ignore-not-found --wait=true
kubectl create deployment db --image=postgres:16 --replicas=2 --port=5432
# The postgres image refuses to start without a superuser password (on clusters that run containers).
kubectl set env deployment/db POSTGRES_PASSWORD=kubelab-lab-only
kubectl rollout status deployment/db --timeout=90s
