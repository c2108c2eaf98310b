#!/usr/bin/env bash
set -euo pipefail
kubectl create namespace team-a
