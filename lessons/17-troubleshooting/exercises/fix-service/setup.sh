#!/usr/bin/env bash
set -euo pipefail
# A known start whatever earlier lessons left: web with a named port, and a Service with two faults
# (a selector no pod carries, a target port nothing listens on).
kubectl delete deployment web --ignore-not-found --wait=true
kubectl delete service web --ignore-not-found --wait=true
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default, labels: { app: web } }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports: [{ name: http, containerPort: 80 }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  selector: { app: webapp }
  ports: [{ port: 80, targetPort: 8080 }]
YAML
kubectl rollout status deployment/web --timeout=90s
# What "unchanged" means, recorded where the grader reads it: this Deployment's UID and generation.
kubectl -n kube-system create configmap kubelab-setup-fix-service \
  --from-literal=uid="$(kubectl get deployment web -o jsonpath='{.metadata.uid}')" \
  --from-literal=generation="$(kubectl get deployment web -o jsonpath='{.metadata.generation}')" \
  --dry-run=client -o yaml | kubectl apply -f -
