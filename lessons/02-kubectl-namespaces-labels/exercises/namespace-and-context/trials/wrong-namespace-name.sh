#!/usr/bin/env bash
set -euo pipefail
kubectl create namespace team-b
kubectl config set-context --current --namespace=team-b
