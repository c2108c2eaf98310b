#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Service
metadata: { name: db, namespace: default }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ name: postgres, port: 5432, targetPort: 5432 }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: default }
spec:
  serviceName: db
  podManagementPolicy: Parallel
  replicas: 3
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: db
          image: busybox:1.36
          command: [sh, -c, "sleep 3600"]
          volumeMounts:
            - { name: data, mountPath: /var/lib/db }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: { storage: 1Gi }
YAML
kubectl rollout status statefulset/db --timeout=150s
