#!/usr/bin/env bash
set -euo pipefail
kubectl create deployment web --image=nginx:1.26 --replicas=3
