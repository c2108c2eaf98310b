#!/usr/bin/env bash
set -euo pipefail
kubectl delete pod reporter --ignore-not-found --wait=true
kubectl delete configmap answer --ignore-not-found
# The code exists only in the log: the Pod makes it up when it starts.
kubectl run reporter --image=busybox:1.36 --restart=Never -- sh -c 'echo "report code: $(head -c 6 /dev/urandom | od -An -tx1 | tr -d " \n")"; exec sleep 3600'
kubectl wait --for=condition=Ready pod/reporter --timeout=120s
