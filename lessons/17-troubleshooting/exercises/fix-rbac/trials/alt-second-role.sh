#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-a create role deploy-writer --verb=create,update --resource=deployments.apps
kubectl -n team-a create rolebinding ci-deploy-writer --role=deploy-writer --serviceaccount=team-a:ci
