#!/usr/bin/env bash
# Services for the whole group of team-a ServiceAccounts: auditor is one of them.
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create role pod-reader -n team-a --verb=get,list,watch --resource=pods
kubectl create rolebinding auditor-pod-reader -n team-a --role=pod-reader --serviceaccount=team-a:auditor
kubectl create role service-reader -n team-a --verb=list --resource=services
kubectl create rolebinding team-a-service-reader -n team-a --role=service-reader --group=system:serviceaccounts:team-a
