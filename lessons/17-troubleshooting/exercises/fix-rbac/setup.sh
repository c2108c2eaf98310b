#!/usr/bin/env bash
set -euo pipefail
kubectl create namespace team-a --dry-run=client -o yaml | kubectl apply -f -
kubectl -n team-a delete role,rolebinding --all
kubectl delete clusterrolebinding ci-deployer --ignore-not-found
kubectl -n team-a create serviceaccount ci --dry-run=client -o yaml | kubectl apply -f -
kubectl -n team-a create role deployer --verb=get,list --resource=deployments.apps
kubectl -n team-a create rolebinding ci-deployer --role=deployer --serviceaccount=team-a:ci
