#!/usr/bin/env bash
set -euo pipefail
kubectl create poddisruptionbudget web-pdb --selector=app=web --max-unavailable=1
