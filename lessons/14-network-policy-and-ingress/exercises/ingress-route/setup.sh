#!/usr/bin/env bash
set -euo pipefail
kubectl delete ingress site --ignore-not-found
for app in shop:80 blog:8080; do
  name=${app%%:*} port=${app##*:}
  kubectl delete deployment "$name" --ignore-not-found --wait=true
  kubectl delete service "$name" --ignore-not-found --wait=true
  kubectl create deployment "$name" --image=nginx:1.27 --port=80
  kubectl create service clusterip "$name" --tcp="$port:80" --dry-run=client -o yaml \
    | sed "s/name: $port-80/name: http/" | kubectl apply -f -
done
kubectl apply -f - <<'YAML'
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx }
spec: { controller: k8s.io/ingress-nginx }
YAML
