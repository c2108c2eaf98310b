#!/usr/bin/env bash
set -euo pipefail
kubectl create service clusterip db --clusterip=None --tcp=5432:5432
