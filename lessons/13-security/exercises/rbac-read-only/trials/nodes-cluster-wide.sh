#!/usr/bin/env bash
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create role pod-reader -n team-a --verb=get,list,watch --resource=pods
kubectl create rolebinding auditor-pod-reader -n team-a --role=pod-reader --serviceaccount=team-a:auditor
kubectl create clusterrole node-reader --verb=get,list --resource=nodes
kubectl create clusterrolebinding auditor-node-reader --clusterrole=node-reader --serviceaccount=team-a:auditor
