#!/usr/bin/env bash
# A clean start: a bookstore left from an earlier attempt goes, with everything in it.
set -euo pipefail
kubectl delete namespace bookstore --ignore-not-found --wait=true --timeout=120s
