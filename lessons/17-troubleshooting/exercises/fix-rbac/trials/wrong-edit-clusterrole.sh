#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-a create rolebinding ci-edit --clusterrole=edit --serviceaccount=team-a:ci
