#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Backup, plural: backups, singular: backup, listKind: BackupList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            spec:
              type: object
              required: [schedule]
              properties:
                schedule: { x-kubernetes-int-or-string: true }
YAML
kubectl wait --for=condition=Established crd/backups.example.com --timeout=30s
kubectl apply -f - <<'YAML'
apiVersion: example.com/v1
kind: Backup
metadata: { name: nightly, namespace: default }
spec:
  schedule: "0 2 * * *"
YAML
