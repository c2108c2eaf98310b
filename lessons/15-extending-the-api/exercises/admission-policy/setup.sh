#!/usr/bin/env bash
set -euo pipefail
kubectl create namespace team-a --dry-run=client -o yaml | kubectl apply -f -
kubectl delete validatingadmissionpolicybindings --all
kubectl delete validatingadmissionpolicies --all
