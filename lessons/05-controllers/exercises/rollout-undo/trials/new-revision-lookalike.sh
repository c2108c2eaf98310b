#!/usr/bin/env bash
# After the update, the image is set to nginx:1.27 spelled out in full: a new pod template, so a
# new revision 3 that looks like revision 1 but is not a rollback to it.
set -euo pipefail
kubectl set image deployment/web nginx=nginx:1.28
kubectl rollout status deployment/web --timeout=90s
kubectl set image deployment/web nginx=docker.io/library/nginx:1.27
kubectl rollout status deployment/web --timeout=90s
