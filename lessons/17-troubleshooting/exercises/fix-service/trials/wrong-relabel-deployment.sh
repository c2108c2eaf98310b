#!/usr/bin/env bash
set -euo pipefail
# Makes the pods match the Service instead of the other way round: the Deployment changes.
kubectl patch deployment web --type=merge -p '{"spec":{"template":{"metadata":{"labels":{"app":"web","tier":"webapp"}}}}}'
kubectl patch service web --type=merge -p '{"spec":{"selector":{"tier":"webapp"},"ports":[{"port":80,"targetPort":80}]}}'
kubectl rollout status deployment/web --timeout=60s
