#!/usr/bin/env bash
set -euo pipefail
kubectl label node "$WORKER1" disk=ssd
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: fast, namespace: default }
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions: [{ key: disk, operator: In, values: [ssd] }]
  containers: [{ name: nginx, image: nginx:1.27 }]
YAML
