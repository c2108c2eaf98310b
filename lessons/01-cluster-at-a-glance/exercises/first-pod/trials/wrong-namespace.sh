#!/usr/bin/env bash
set -euo pipefail
kubectl create namespace hello-ns
kubectl run hello -n hello-ns --image=nginx:1.27 --labels=app=hello
