#!/usr/bin/env bash
set -euo pipefail
kubectl create deployment worker --image=busybox:1.36 -- sleep infinity
kubectl set resources deployment worker --requests=cpu=100m,memory=128Mi --limits=cpu=500m,memory=0.25Gi
