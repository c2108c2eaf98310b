#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: { name: infra-agent, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: infra-agent } }
  template:
    metadata: { labels: { app: infra-agent } }
    spec:
      containers:
        - { name: agent, image: busybox:1.36, command: [sleep, infinity] }
      tolerations:
        - { key: dedicated, operator: Equal, value: infra, effect: NoSchedule }
      nodeSelector:
        kubelab.io/worker: "2"
YAML
kubectl rollout status deployment/infra-agent --timeout=90s
