#!/usr/bin/env bash
set -euo pipefail
kubectl create configmap answer --from-literal=code=0123456789ab
