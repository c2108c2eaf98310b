#!/usr/bin/env bash
set -euo pipefail
kubectl create poddisruptionbudget web-pdb --selector=app=web --min-available=1
