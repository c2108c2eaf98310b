#!/usr/bin/env bash
set -euo pipefail
kubectl create clusterrole deployer --verb=get,list,create,update --resource=deployments.apps
kubectl create clusterrolebinding ci-deployer --clusterrole=deployer --serviceaccount=team-a:ci
