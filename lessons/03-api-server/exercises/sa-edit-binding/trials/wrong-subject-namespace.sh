#!/usr/bin/env bash
set -euo pipefail
kubectl create serviceaccount deployer
kubectl create rolebinding deployer-edit --clusterrole=edit --serviceaccount=kube-system:deployer
