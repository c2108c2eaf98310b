#!/usr/bin/env bash
set -euo pipefail
kubectl delete validatingadmissionpolicybindings --all
kubectl delete validatingadmissionpolicies --all
