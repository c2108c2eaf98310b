#!/usr/bin/env bash
set -euo pipefail
# Earlier lessons may have left worker 1 cordoned, worker 2 tainted, or a different web: start clean,
# so the drained pods have somewhere to go.
kubectl uncordon "$WORKER1" >/dev/null
kubectl taint node "$WORKER2" dedicated- >/dev/null 2>&1 || true
kubectl delete deployment web --ignore-not-found --wait=true
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: log-agent, namespace: default }
spec:
  selector: { matchLabels: { app: log-agent } }
  template:
    metadata: { labels: { app: log-agent } }
    spec:
      containers: [{ name: agent, image: busybox:1.36, command: [sleep, infinity] }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 4
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      # Spread over the workers so that draining worker 1 really has pods to move.
      topologySpreadConstraints:
        - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: { app: web } } }
      containers: [{ name: nginx, image: nginx:1.27, ports: [{ containerPort: 80 }] }]
YAML
kubectl rollout status deployment/web --timeout=90s
kubectl rollout status daemonset/log-agent --timeout=90s
on_worker1=$(kubectl get pods -l app=web --field-selector "spec.nodeName=$WORKER1" -o name | wc -l)
if [ "$on_worker1" -eq 0 ]; then
  echo "no web pod landed on $WORKER1; the exercise needs some there" >&2
  exit 1
fi
