#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker }
spec:
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers:
        - name: worker
          image: busybox:1.36
          command: [sleep, infinity]
          resources: { requests: { cpu: 0.1, memory: "134217728" }, limits: { cpu: "0.5", memory: 268435456 } }
YAML
