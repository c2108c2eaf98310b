#!/usr/bin/env bash
set -euo pipefail
kubectl set image deployment/web nginx=nginx:1.27
