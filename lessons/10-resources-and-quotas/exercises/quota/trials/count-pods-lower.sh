#!/usr/bin/env bash
set -euo pipefail
kubectl create quota team-a-quota -n team-a --hard=pods=10,requests.cpu=2,count/pods=5
