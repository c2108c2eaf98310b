#!/usr/bin/env bash
set -euo pipefail
kubectl delete namespace team-b --ignore-not-found --wait=true
kubectl create namespace team-b
kubectl -n team-b create quota team-b-quota --hard=pods=2
# The quota admission plugin must see the quota before the ReplicaSet creates pods.
sleep 1
kubectl -n team-b create deployment worker --image=busybox:1.36 --replicas=3 -- sleep 3600
for _ in $(seq 1 60); do
  [ "$(kubectl -n team-b get pods -l app=worker --no-headers 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 1
done
kubectl -n kube-system create configmap kubelab-setup-fix-quota \
  --from-literal=uid="$(kubectl -n team-b get resourcequota team-b-quota -o jsonpath='{.metadata.uid}')" \
  --dry-run=client -o yaml | kubectl apply -f -
