#!/usr/bin/env bash
# Cordoned, then web's pods on worker 1 are made to look like DaemonSet pods: their owner
# reference points at a DaemonSet that is being deleted (a finalizer keeps it visible), so its
# name and kind are those of a DaemonSet, but no live DaemonSet controls them.
set -euo pipefail
kubectl cordon "$WORKER1"
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: decoy, namespace: default, finalizers: [kubelab.io/hold] }
spec:
  selector: { matchLabels: { app: decoy } }
  template:
    metadata: { labels: { app: decoy } }
    spec:
      nodeSelector: { kubelab.io/no-such-node: "true" }
      containers: [{ name: agent, image: busybox:1.36, command: [sleep, infinity] }]
YAML
uid=$(kubectl get daemonset decoy -o jsonpath='{.metadata.uid}')
kubectl delete daemonset decoy --wait=false
for pod in $(kubectl get pods -l app=web --field-selector "spec.nodeName=$WORKER1" -o name); do
  kubectl patch "$pod" --type=merge -p "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"name\":\"decoy\",\"uid\":\"$uid\",\"controller\":true}]}}"
done
kubectl rollout status deployment/web --timeout=90s
