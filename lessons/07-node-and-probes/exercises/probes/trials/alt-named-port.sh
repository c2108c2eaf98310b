#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports: [{ name: http, containerPort: 80 }]
          readinessProbe: { httpGet: { port: http } }
          livenessProbe: { tcpSocket: { port: http }, initialDelaySeconds: 10, periodSeconds: 5 }
YAML
