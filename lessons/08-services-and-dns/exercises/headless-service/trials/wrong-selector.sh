#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Service
metadata: { name: db, namespace: default }
spec:
  type: ClusterIP
  selector: { app: database }
  ports: [{ port: 5432 }]
  clusterIP: None
YAML
