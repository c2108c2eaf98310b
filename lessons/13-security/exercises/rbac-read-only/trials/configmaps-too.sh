#!/usr/bin/env bash
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create role pod-reader -n team-a --verb=get,list,watch --resource=pods,configmaps
kubectl create rolebinding auditor-pod-reader -n team-a --role=pod-reader --serviceaccount=team-a:auditor
