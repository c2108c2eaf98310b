#!/usr/bin/env bash
# web is ready at 3 replicas, but of nginx:1.26; the image is changed while the controllers are
# stopped (stale-status-then.sh), so the status still counts 3 ready replicas of the old image.
set -euo pipefail
kubectl create deployment web --image=nginx:1.26 --replicas=3
kubectl rollout status deployment/web --timeout=90s
