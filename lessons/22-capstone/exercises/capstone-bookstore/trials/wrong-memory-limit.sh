#!/usr/bin/env bash
# web is limited to 512Mi of memory.
set -euo pipefail
./solution.sh
kubectl set resources deployment web -n bookstore --limits=memory=512Mi
