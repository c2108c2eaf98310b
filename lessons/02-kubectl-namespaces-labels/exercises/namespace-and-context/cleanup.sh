#!/usr/bin/env bash
# Back to the lab's own context ($LAB_CONTEXT) on namespace default in the learner's kubeconfig,
# other contexts removed, so later lessons' commands land where they expect.
set -euo pipefail
learner=(kubectl --kubeconfig "$LEARNER_KUBECONFIG")
if [ -n "${LAB_CONTEXT:-}" ] && "${learner[@]}" config get-contexts -o name | grep -qxF "$LAB_CONTEXT"; then
  for c in $("${learner[@]}" config get-contexts -o name); do
    [ "$c" = "$LAB_CONTEXT" ] || "${learner[@]}" config delete-context "$c" >/dev/null
  done
  "${learner[@]}" config use-context "$LAB_CONTEXT" >/dev/null
fi
"${learner[@]}" config set-context --current --namespace=default
kubectl delete namespace team-a --ignore-not-found --wait=true
