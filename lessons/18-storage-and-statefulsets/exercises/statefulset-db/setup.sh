#!/usr/bin/env bash
set -euo pipefail
# A db from lesson 8 (a Deployment and a Service of the same name) or an earlier try is removed,
# with the claims a StatefulSet leaves behind.
kubectl delete statefulset db --ignore-not-found --wait=true
kubectl delete deployment db --ignore-not-found --wait=true
kubectl delete service db --ignore-not-found --wait=true
kubectl delete pvc data-db-0 data-db-1 data-db-2 --ignore-not-found --wait=true
