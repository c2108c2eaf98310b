#!/usr/bin/env bash
set -euo pipefail
kubectl patch node "$WORKER1" --type=merge -p '{"spec":{"unschedulable":false,"taints":null}}'
