#!/usr/bin/env bash
# Two crm-server instances on one PostgreSQL behind nginx (deploy/nginx-crm.conf), as the
# README's "Several servers" section describes: starts a throwaway PostgreSQL, creates the
# organisation, registers two workstations through nginx, edits on both, kills one
# instance (SIGKILL) in the middle of a sync, restarts PostgreSQL (immediate) in the middle
# of another, and shows both workstations end with the same cards, nothing pending and
# every change logged once. Exits non-zero if not. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crm_require_packages
crm_install_missing nginx-light
swift build --product crm >&2
swift build --product crm-server >&2
bin=$(swift build --show-bin-path)
crm="$bin/crm"
server="$bin/crm-server"
work=$(mktemp -d)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }

say "A PostgreSQL for the organisation"
pg_port=$(free_port)
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work" start >/dev/null
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE crm"
pg="postgres://postgres@127.0.0.1:$pg_port/crm"
echo "$pg"

say "The organisation: one branch, two executives, a device token each (crm-server admin … --postgres)"
branch=$("$server" admin add-branch --postgres "$pg" --name "Gangnam centre" --json | field id)
kim=$("$server" admin add-user --postgres "$pg" --name "Kim (front desk)" --role executive --branch "$branch" --json | field id)
lee=$("$server" admin add-user --postgres "$pg" --name "Lee (counsellor)" --role executive --branch "$branch" --json | field id)
token_a=$("$server" admin issue-token --postgres "$pg" --user "$kim" --device front-desk --json | field token)
token_b=$("$server" admin issue-token --postgres "$pg" --user "$lee" --device room-2 --json | field token)

say "Two instances: crm-server serve --postgres … (8081, 8082), nginx in front (8080)"
ports=("$(free_port)" "$(free_port)")
front=$(free_port)
for index in 0 1; do
    "$server" serve --postgres "$pg" --port "${ports[$index]}" > "$work/server$index.out" 2>&1 &
    pids+=($!)
done
for index in 0 1; do
    for _ in $(seq 1 100); do grep -q listening "$work/server$index.out" 2>/dev/null && break; sleep 0.1; done
    cat "$work/server$index.out"
done
sed -e "s/127.0.0.1:8081/127.0.0.1:${ports[0]}/; s/127.0.0.1:8082/127.0.0.1:${ports[1]}/; s/127.0.0.1:8080/127.0.0.1:$front/" \
    -e "s#/tmp/crm-nginx#$work/nginx#g" deploy/nginx-crm.conf > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -g "daemon on;" -p "$work"
url="http://127.0.0.1:$front"
for _ in $(seq 1 50); do [ -f "$work/nginx.pid" ] && break; sleep 0.1; done
echo "nginx on $url"

say "Two workstations register through nginx"
"$crm" init --replica "$work/front-desk.crm" --server "$url" --token "$token_a"
"$crm" init --replica "$work/room-2.crm" --server "$url" --token "$token_b"
A=(--replica "$work/front-desk.crm")
B=(--replica "$work/room-2.crm")

say "Both add clients; room 2 keeps a live sync (crm sync --watch) open"
"$crm" sync --watch "${B[@]}" > /dev/null 2>&1 &
pids+=($!)
for index in $(seq 1 120); do
    "$crm" client add "${A[@]}" --name "Client $index" --json > /dev/null
done
"$crm" client add "${B[@]}" --name "김민준" --json > /dev/null
"$crm" sync "${A[@]}" --push-batch 4 > "$work/sync-a.out" 2>&1 &
sync_pid=$!
sleep 0.2
say "SIGKILL instance 1 in the middle of the sync"
kill -9 "${pids[0]}" || true
wait "$sync_pid" || true
cat "$work/sync-a.out"
"$crm" sync "${A[@]}"
"$crm" sync "${B[@]}"
sleep 1
"$crm" sync "${A[@]}"

say "Room 2 adds 60 clients; PostgreSQL restarts (immediate) in the middle of its sync"
for index in $(seq 1 60); do
    "$crm" client add "${B[@]}" --name "Клиент $index" --json > /dev/null
done
"$crm" sync "${B[@]}" --push-batch 2 > "$work/sync-b.out" 2>&1 &
sync_pid=$!
sleep 0.3
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w -l "$work/pg.log" \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work" restart >/dev/null
wait "$sync_pid" || true
cat "$work/sync-b.out"
# The instance reconnects; syncing again finishes the work.
for attempt in 1 2 3 4 5; do "$crm" sync "${B[@]}" && break; sleep 1; done
for attempt in 1 2 3 4 5; do "$crm" sync "${A[@]}" && break; sleep 1; done

say "Both workstations hold the same cards"
a=$("$crm" client list "${A[@]}" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
b=$("$crm" client list "${B[@]}" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "front desk: $a cards, room 2: $b cards"
logged=$(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d crm -Atc "SELECT COUNT(*), COUNT(DISTINCT (site, seq)) FROM change_log")
echo "server log: $logged (entries, distinct changes)"
[ "$a" = 181 ] && [ "$b" = 181 ] && [ "${logged%%|*}" = "${logged##*|}" ] && [ "$("$crm" status "${A[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pending"])')" = 0 ] \
    && [ "$("$crm" status "${B[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pending"])')" = 0 ]
echo "ok: an instance killed and PostgreSQL restarted; lost 0, duplicated 0, divergent 0"
