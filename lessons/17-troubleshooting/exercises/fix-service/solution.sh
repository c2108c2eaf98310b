#!/usr/bin/env bash
set -euo pipefail
kubectl patch service web --type=merge -p '{"spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":80}]}}'
