#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Secret
metadata: { name: db-creds }
type: Opaque
stringData: { username: admin, password: s3cr3t }
YAML
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  containers:
    - name: client
      image: busybox:1.36
      command: [sleep, infinity]
      env:
        - { name: DB_USER, valueFrom: { secretKeyRef: { name: db-creds, key: username } } }
        - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db-creds, key: password } } }
YAML
