#!/usr/bin/env bash
set -euo pipefail
kubectl create deployment web --image=nginx:1.27
kubectl scale deployment web --replicas=3
