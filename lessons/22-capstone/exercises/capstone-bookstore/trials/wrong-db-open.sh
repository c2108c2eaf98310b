#!/usr/bin/env bash
# db accepts 5432 from every pod of bookstore.
set -euo pipefail
./solution.sh
kubectl patch networkpolicy db-from-web -n bookstore --type=json -p '[{"op":"replace","path":"/spec/ingress/0/from/0/podSelector","value":{}}]'
