#!/usr/bin/env bash
# The fault suite (docs/reliability.md): real crm-server and `crm sync --watch` daemons
# under network loss, resets, a 1 mbit link, lost replies, partitions, SIGKILL and SIGSTOP,
# faketime clock skew, strace-injected I/O errors and a full disk. Needs root (network
# namespaces, iptables, tc, mount).
#   scripts/faults.sh                 bounded run (CI)
#   scripts/faults.sh --full          the full counts (200 server kills, 100,000-change catch-up)
#   scripts/faults.sh --only skew,network --seed 42
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_require_packages
crm_require_fault_packages
swift build --product crm >&2
swift build --product crm-server >&2
swift build --product crm-bench >&2
exec python3 scripts/faults/run.py --bin "$(swift build --show-bin-path)" "$@"
