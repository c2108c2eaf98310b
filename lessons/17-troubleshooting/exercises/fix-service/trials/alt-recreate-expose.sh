#!/usr/bin/env bash
set -euo pipefail
kubectl delete service web
kubectl expose deployment web --port=80
