#!/usr/bin/env bash
set -euo pipefail
kubectl delete crd backups.example.com --ignore-not-found --wait=true
