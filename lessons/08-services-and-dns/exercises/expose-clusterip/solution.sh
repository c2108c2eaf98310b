#!/usr/bin/env bash
set -euo pipefail
kubectl expose deployment web --name=web --type=ClusterIP --port=80 --target-port=80
