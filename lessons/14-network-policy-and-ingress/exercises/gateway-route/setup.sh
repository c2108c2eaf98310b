#!/usr/bin/env bash
set -euo pipefail
# The Gateway API is not part of Kubernetes: its CRDs are installed on their own (server-side,
# the HTTPRoute CRD is too large for a client-side apply's annotation).
gunzip -c gateway-api-v1.4.1-standard.yaml.gz | kubectl apply --server-side --force-conflicts -f - >/dev/null
kubectl wait --for=condition=Established crd/gatewayclasses.gateway.networking.k8s.io crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io --timeout=60s
kubectl delete httproutes.gateway.networking.k8s.io --all -n default
kubectl delete deployment shop --ignore-not-found --wait=true
kubectl delete service shop --ignore-not-found --wait=true
kubectl create deployment shop --image=nginx:1.27 --port=80
kubectl create service clusterip shop --tcp=80:80
kubectl apply -f - <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: lab }
spec:
  controllerName: kubelab.io/no-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: default }
spec:
  gatewayClassName: lab
  listeners:
    - { name: http, protocol: HTTP, port: 80 }
YAML
