#!/usr/bin/env bash
# The built-in view role reads far more than pods.
set -euo pipefail
kubectl create serviceaccount auditor -n team-a
kubectl create rolebinding auditor-view -n team-a --clusterrole=view --serviceaccount=team-a:auditor
