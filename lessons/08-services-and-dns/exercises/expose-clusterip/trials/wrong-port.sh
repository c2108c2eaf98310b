#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  type: ClusterIP
  selector: { app: web }
  ports: [{ port: 8080, targetPort: 8080 }]

YAML
