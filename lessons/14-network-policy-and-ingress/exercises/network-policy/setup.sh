#!/usr/bin/env bash
set -euo pipefail
kubectl delete namespace shop --ignore-not-found --wait=true
kubectl create namespace shop
for tier in web:80 api:8080 db:5432; do
  name=${tier%%:*} port=${tier##*:}
  kubectl -n shop create deployment "$name" --image=nginx:1.27 --port="$port" --dry-run=client -o yaml \
    | sed "s/containerPort: $port/containerPort: $port\n          name: $name-port/" | kubectl apply -f -
done
for d in web api db; do kubectl -n shop rollout status deployment/$d --timeout=90s; done
