#!/usr/bin/env bash
set -euo pipefail
kubectl delete httproutes.gateway.networking.k8s.io --all -A --ignore-not-found
kubectl delete gateways.gateway.networking.k8s.io --all -A --ignore-not-found
kubectl delete gatewayclass lab --ignore-not-found
