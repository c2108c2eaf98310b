#!/usr/bin/env bash
set -euo pipefail
# What the program asks for: a config file at /etc/api/config.yaml.
kubectl create configmap api-config --from-literal=config.yaml='listen: 8080'
kubectl patch deployment api --type=strategic -p '{"spec":{"template":{"spec":{
  "volumes":[{"name":"config","configMap":{"name":"api-config"}}],
  "containers":[{"name":"api","volumeMounts":[{"name":"config","mountPath":"/etc/api"}]}]}}}}'
kubectl rollout status deployment/api --timeout=120s
