#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: default }
spec:
  parentRefs:
    - { group: gateway.networking.k8s.io, kind: Gateway, name: public, namespace: default, sectionName: http }
  hostnames: [shop.example.com]
  rules:
    - backendRefs:
        - { group: "", kind: Service, name: shop, port: 80, weight: 1 }
YAML
