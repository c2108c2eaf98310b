#!/usr/bin/env bash
set -euo pipefail
kubectl autoscale deployment web --min=2 --max=6 --cpu-percent=70
