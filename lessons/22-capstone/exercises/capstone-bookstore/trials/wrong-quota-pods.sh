#!/usr/bin/env bash
# The quota allows 20 pods.
set -euo pipefail
./solution.sh
kubectl patch quota bookstore-quota -n bookstore --type=merge -p '{"spec":{"hard":{"pods":"20"}}}'
