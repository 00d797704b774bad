#!/usr/bin/env bash
# The main job on a fresh machine: builds crm and crm-server, starts a server on its
# embedded SQLite store, creates an organisation with two workstations, edits on both
# (offline, then syncing), and shows that both end with the same cards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_require_packages
swift build --product crm >&2
swift build --product crm-server >&2
bin=$(swift build --show-bin-path)
crm="$bin/crm"
server="$bin/crm-server"
work=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }

say "An organisation: one branch, two executives, a device token each"
branch=$("$server" admin add-branch --db "$work/org.sqlite" --name "Gangnam centre" --json | field id)
kim=$("$server" admin add-user --db "$work/org.sqlite" --name "Kim (front desk)" --role executive --branch "$branch" --json | field id)
lee=$("$server" admin add-user --db "$work/org.sqlite" --name "Lee (counsellor)" --role executive --branch "$branch" --json | field id)
token_a=$("$server" admin issue-token --db "$work/org.sqlite" --user "$kim" --device front-desk --json | field token)
token_b=$("$server" admin issue-token --db "$work/org.sqlite" --user "$lee" --device room-2 --json | field token)

say "crm-server serve --db org.sqlite --port 0"
"$server" serve --db "$work/org.sqlite" --port 0 > "$work/server.out" &
server_pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
cat "$work/server.out"
url=$(sed -E 's/listening on //' "$work/server.out")

say "Two workstations register and take their first sync"
"$crm" init --replica "$work/front-desk.crm" --server "$url" --token "$token_a"
"$crm" init --replica "$work/room-2.crm" --server "$url" --token "$token_b"
A=(--replica "$work/front-desk.crm")
B=(--replica "$work/room-2.crm")

say "Front desk adds a client with two phones, a memo and a schedule, then syncs"
client=$("$crm" client add "${A[@]}" --name "Kim Minji" --phone "+82 10-1234-5678" --phone "+7 912 345 67 89" --tag new --json | field id)
memo=$("$crm" memo add "$client" "${A[@]}" --text "First call: mother asks for weekday mornings." --type call --json | field id)
schedule=$("$crm" schedule add "$client" "${A[@]}" --start 2026-11-23T10:00:00Z --end 2026-11-23T11:00:00Z --room "Room 2" --json | field id)
"$crm" sync "${A[@]}"

say "Room 2 syncs and sees the card"
"$crm" sync "${B[@]}"
"$crm" client list "${B[@]}"

say "Both edit while offline: front desk the phone, room 2 the name and the schedule"
"$crm" client edit "$client" "${A[@]}" --phone "+82 10-9999-0000"
"$crm" client edit "$client" "${B[@]}" --name "Kim Min-ji"
"$crm" memo add "$client" "${B[@]}" --text "Session 1 went well." --type meeting >/dev/null
"$crm" schedule done "$schedule" "${B[@]}"
say "…and both rewrite the same words of the first memo"
"$crm" memo edit "$memo" "${A[@]}" --text "First call: mother asks for Tuesday mornings."
"$crm" memo edit "$memo" "${B[@]}" --text "First call: mother asks for Saturday mornings."
"$crm" status "${A[@]}"

say "Back online: both sync"
"$crm" sync "${B[@]}"
"$crm" sync "${A[@]}"
"$crm" sync "${B[@]}"

say "Front desk's card: both edits merged, the memo keeps both versions of the words"
"$crm" client show "$client" "${A[@]}"
say "The conflict kept to review (crm conflicts resolve ID --keep kept|other settles it)"
"$crm" conflicts "${A[@]}"
say "Room 2's card"
"$crm" client show "$client" "${B[@]}"

say "sqldiff --primarykey on the data tables (no output: identical)"
for table in branch staff_user client client_tag memo schedule journal task conflict ledger_entry; do
    sqldiff --primarykey --table "$table" "$work/front-desk.crm" "$work/room-2.crm"
done
echo "identical"

if [ "${1:-}" = "--ui" ]; then
    say "The front desk's front end: open the line below in this workstation's browser, then the card at /clients/$client (Ctrl-C stops)"
    "$crm" ui "${A[@]}" --port "${CRM_UI_PORT:-8090}"
fi
