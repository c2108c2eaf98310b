#!/usr/bin/env bash
set -euo pipefail
kubectl create deployment web --image=nginx:1.27 --replicas=2
