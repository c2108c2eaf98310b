#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-b delete resourcequota team-b-quota
