#!/usr/bin/env bash
# A ServiceAccount is also the user system:serviceaccount:<namespace>:<name>; two roles add up to
# exactly get, list and watch.
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create role pod-getter -n team-a --verb=get --resource=pods
kubectl create role pod-lister -n team-a --verb=list,watch --resource=pods
kubectl create rolebinding auditor-get -n team-a --role=pod-getter --user=system:serviceaccount:team-a:auditor
kubectl create rolebinding auditor-list -n team-a --role=pod-lister --user=system:serviceaccount:team-a:auditor
