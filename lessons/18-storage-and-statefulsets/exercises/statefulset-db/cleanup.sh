#!/usr/bin/env bash
set -euo pipefail
# StatefulSets keep their claims when deleted; an exercise left behind should not keep three volumes.
kubectl delete statefulset db --ignore-not-found --wait=true
kubectl delete pvc data-db-0 data-db-1 data-db-2 --ignore-not-found --wait=false
