#!/usr/bin/env bash
set -euo pipefail
kubectl create serviceaccount deployer
kubectl create rolebinding deployer-edit --clusterrole=view --serviceaccount=default:deployer
