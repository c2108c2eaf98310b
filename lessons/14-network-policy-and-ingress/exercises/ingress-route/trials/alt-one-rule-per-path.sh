#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: site, namespace: default }
spec:
  ingressClassName: nginx
  rules:
    - host: blog.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: blog, port: { number: 8080 } } } }
    - host: shop.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: shop, port: { number: 80 } } } }
YAML
