#!/usr/bin/env bash
# Runs the full nemesis schedule for N minutes and prints, as its last lines, the changes
# acknowledged, lost, duplicated, the divergences and the p99 convergence time after a heal.
#   scripts/soak.sh --minutes 10 [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
exec bash scripts/faults.sh --soak-minutes "$minutes" "${rest[@]}"
