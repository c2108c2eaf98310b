#!/usr/bin/env bash
set -euo pipefail
kubectl run manual --image=nginx:1.27
