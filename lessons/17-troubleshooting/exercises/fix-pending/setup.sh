#!/usr/bin/env bash
set -euo pipefail
# Two reasons at once: a nodeSelector no node matches, and a CPU request larger than any node.
kubectl delete deployment api --ignore-not-found --wait=true
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: default, labels: { app: api } }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      nodeSelector: { disktype: nvme }
      containers:
        - name: api
          image: nginx:1.27
          resources:
            requests: { cpu: "64", memory: 64Mi }
YAML
kubectl -n kube-system create configmap kubelab-setup-fix-pending \
  --from-literal=nodes="$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}:{.spec.taints[*].key}:{.spec.unschedulable};{end}')" \
  --dry-run=client -o yaml | kubectl apply -f -
