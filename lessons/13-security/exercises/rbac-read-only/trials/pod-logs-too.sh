#!/usr/bin/env bash
# Reading the pods is granted, and reading their logs too: a subresource is a right of its own.
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create role pod-reader -n team-a --verb=get,list,watch --resource=pods,pods/log
kubectl create rolebinding auditor-pod-reader -n team-a --role=pod-reader --serviceaccount=team-a:auditor
