#!/usr/bin/env bash
set -euo pipefail
kubectl create quota team-a-quota -n default --hard=pods=10,requests.cpu=2
