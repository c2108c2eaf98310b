#!/usr/bin/env bash
set -euo pipefail
kubectl autoscale deployment web --max=6 --cpu-percent=70
