#!/usr/bin/env bash
set -euo pipefail
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n' | kubectl apply -f -
kubectl config set-context "$(kubectl config current-context)" --namespace team-a
