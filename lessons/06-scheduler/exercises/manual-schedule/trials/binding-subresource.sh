#!/usr/bin/env bash
# The scheduler's way: a Binding through the pods/binding subresource (refused for learners in these labs).
set -euo pipefail
kubectl run manual --image=nginx:1.27
kubectl create --raw /api/v1/namespaces/default/pods/manual/binding -f - <<JSON
{"apiVersion":"v1","kind":"Binding","metadata":{"name":"manual"},"target":{"apiVersion":"v1","kind":"Node","name":"$WORKER1"}}
JSON
