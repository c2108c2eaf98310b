#!/usr/bin/env bash
set -euo pipefail
kubectl -n team-b get resourcequota team-b-quota -o yaml | sed 's/pods: "2"/pods: "5"/' | kubectl replace -f -
