#!/usr/bin/env bash
# The same limits under their other names.
set -euo pipefail
kubectl create quota team-a-quota -n team-a --hard=count/pods=10,cpu=2
