#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config, namespace: default, labels: { app: demo } }
data:
  mode: production
  replicas: "3"
YAML
