#!/usr/bin/env bash
# kubectl create service selects app=web-public, not the web pods.
set -euo pipefail
kubectl create service nodeport web-public --tcp=80:80 --node-port=30080
