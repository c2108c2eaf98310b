#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-b delete resourcequota team-b-quota
kubectl -n team-b create quota team-b-quota --hard=pods=5
