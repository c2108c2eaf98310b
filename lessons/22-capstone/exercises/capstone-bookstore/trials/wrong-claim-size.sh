#!/usr/bin/env bash
# The claim asks for 2Gi (a claim's size can grow, never shrink: it is made so from the start).
set -euo pipefail
sed 's/storage: 1Gi/storage: 2Gi/' ./solution.sh | bash
