#!/usr/bin/env bash
set -euo pipefail
kubectl run hello --image=nginx:1.26 --labels=app=hello
