#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deployer, namespace: team-a }
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, list, create, update]
YAML
