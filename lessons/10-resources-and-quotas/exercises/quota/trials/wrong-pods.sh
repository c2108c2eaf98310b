#!/usr/bin/env bash
set -euo pipefail
kubectl create quota team-a-quota -n team-a --hard=pods=20,requests.cpu=2
