#!/usr/bin/env bash
# Setting the image back to exactly what revision 1 had makes the Deployment controller reuse
# revision 1's ReplicaSet as revision 3: the same thing `kubectl rollout undo` does.
set -euo pipefail
kubectl set image deployment/web nginx=nginx:1.28
kubectl rollout status deployment/web --timeout=90s
kubectl set image deployment/web nginx=nginx:1.27
kubectl rollout status deployment/web --timeout=90s
