#!/usr/bin/env bash
# The main job on a fresh machine: builds `crm` and walks through a workstation's day on a
# new replica file (a client with two phones, a memo, a schedule; status in_progress, then
# completed), then shows the change log waiting for the sync engine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_require_packages
swift build --product crm >&2
crm=$(swift build --show-bin-path)/crm
work=$(mktemp -d)
export CRM_REPLICA="$work/office.crm"
trap 'rm -rf "$work"' EXIT

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }
json_id() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }

run "$crm" init
say "crm client add --name 'Kim Minji' --phone '+82 10-1234-5678' --phone '+7 912 345 67 89' --json"
client=$("$crm" client add --name 'Kim Minji' --phone '+82 10-1234-5678' --phone '+7 912 345 67 89' --email minji@example.com --json | json_id)
echo "$client"
say "crm memo add $client --text 'First consultation ...' --type meeting"
"$crm" memo add "$client" --text 'First consultation: prefers weekday mornings.' --type meeting
say "crm schedule add $client --start 2026-11-23T10:00:00Z --end 2026-11-23T11:00:00Z --room 'Room 2' --json"
schedule=$("$crm" schedule add "$client" --start 2026-11-23T10:00:00Z --end 2026-11-23T11:00:00Z --room 'Room 2' --json | json_id)
echo "$schedule"
run "$crm" client list
run "$crm" schedule done "$schedule"
run "$crm" client show "$client"
say "crm memo add $client --text '<1,001 characters>'"
"$crm" memo add "$client" --text "$(printf 'x%.0s' $(seq 1 1001))" || echo "(refused, as it should be: exit $?)"
run "$crm" status
say "sqlite3 \$CRM_REPLICA 'SELECT seq, entity, op, field, value FROM outbox_change'"
sqlite3 -header -column "$CRM_REPLICA" "SELECT seq, entity, op, field, substr(value, 1, 40) AS value FROM outbox_change"
