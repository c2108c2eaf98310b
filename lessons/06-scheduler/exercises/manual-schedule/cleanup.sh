#!/usr/bin/env bash
# The stopped scheduler still holds its leader lease; removing it lets the restarted one take over at once
# instead of after the lease runs out.
set -euo pipefail
kubectl -n kube-system delete lease kube-scheduler --ignore-not-found
