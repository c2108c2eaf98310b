#!/usr/bin/env bash
set -euo pipefail
kubectl create namespace team-a
kubectl config set-context --current --namespace=team-a
