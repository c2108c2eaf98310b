#!/usr/bin/env bash
# The right rights in team-a, and the same pod reading in team-b (not default, which the task
# names as an example).
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create role pod-reader -n team-a --verb=get,list,watch --resource=pods
kubectl create rolebinding auditor-pod-reader -n team-a --role=pod-reader --serviceaccount=team-a:auditor
kubectl create namespace team-b
kubectl create role pod-reader -n team-b --verb=get,list,watch --resource=pods
kubectl create rolebinding auditor-pod-reader -n team-b --role=pod-reader --serviceaccount=team-a:auditor
