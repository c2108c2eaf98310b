#!/usr/bin/env bash
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create clusterrole pod-reader --verb=get,list,watch --resource=pods
kubectl create clusterrolebinding auditor-pod-reader --clusterrole=pod-reader --serviceaccount=team-a:auditor
