#!/usr/bin/env bash
# First sync of a large office, with the real processes: a server holding N client cards
# (pushed from workstation A), then `crm init` on workstation B timed and its peak RSS read
# by /usr/bin/time. Usage: scripts/bench-first-sync.sh [N] (default 1,000,000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
count=${1:-1000000}
for product in crm crm-server crm-bench; do swift build -c release --product "$product" >&2; done
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }

branch=$("$bin/crm-server" admin add-branch --db "$work/org.sqlite" --name Office --json | field id)
for who in a b; do
    user=$("$bin/crm-server" admin add-user --db "$work/org.sqlite" --name "$who" --role executive --branch "$branch" --json | field id)
    declare "token_$who=$("$bin/crm-server" admin issue-token --db "$work/org.sqlite" --user "$user" --device "$who" --json | field token)"
done
"$bin/crm-server" serve --db "$work/org.sqlite" --port 0 > "$work/server.out" &
server_pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -E 's/listening on //' "$work/server.out")

"$bin/crm" init --replica "$work/a.crm" --server "$url" --token "$token_a" 2>/dev/null
start=$(date +%s.%N)
"$bin/crm-bench" seed --replica "$work/a.crm" --count "$count"
seeded=$(date +%s.%N)
"$bin/crm" sync --replica "$work/a.crm" --push-batch 5000 >/dev/null
pushed=$(date +%s.%N)
/usr/bin/time -f "%e %M" -o "$work/time.out" "$bin/crm" init --replica "$work/b.crm" --server "$url" --token "$token_b" 2>/dev/null >/dev/null
read -r seconds kib < "$work/time.out"
rows=$(sqlite3 "$work/b.crm" "SELECT COUNT(*) FROM client")
echo "first-sync benchmark: $count client cards"
printf 'seed A: %.1f s; push A -> server: %.1f s\n' "$(echo "$seeded - $start" | bc)" "$(echo "$pushed - $seeded" | bc)"
echo "first sync of B (crm init, $rows cards): ${seconds} s, peak RSS $((kib / 1024)) MiB"
