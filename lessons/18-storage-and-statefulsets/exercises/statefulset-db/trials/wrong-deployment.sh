#!/usr/bin/env bash
set -euo pipefail
# A Deployment with one shared claim instead of a StatefulSet: no stable names, no claim per Pod.
kubectl create service clusterip db --clusterip=None --tcp=5432:5432
kubectl create deployment db --image=busybox:1.36 --replicas=3 -- sleep 3600
