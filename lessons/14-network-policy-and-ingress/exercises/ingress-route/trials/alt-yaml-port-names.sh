#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: site, namespace: default }
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - pathType: ImplementationSpecific
            backend: { service: { name: shop, port: { name: http } } }
    - host: blog.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: blog, port: { name: http } } }
YAML
