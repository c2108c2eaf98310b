#!/usr/bin/env bash
set -euo pipefail
kubectl create poddisruptionbudget web-pdb --selector=app=frontend --max-unavailable=1
