#!/usr/bin/env bash
# nodeName skips the scheduler instead of constraining it: not a node selector or affinity.
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
      nodeName: $WORKER2
      containers:
        - { name: agent, image: busybox:1.36, command: [sleep, infinity] }
      tolerations:
        - { key: dedicated, operator: Equal, value: infra, effect: NoSchedule }
YAML
