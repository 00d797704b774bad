#!/usr/bin/env bash
# Hostile input at the server: schemathesis generates requests from protocol/openapi.yaml
# (valid and malformed bodies, odd methods, odd headers) against a real crm-server on its
# embedded SQLite store, with every check on. Fails on any server error, any malformed
# body that is not refused with a 4xx, any response outside the spec.
#   scripts/fuzz-api.sh [--examples N]   (default 25 per operation)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
examples=25
while [ $# -gt 0 ]; do
  case "$1" in
    --examples) examples="$2"; shift 2 ;;
    *) echo "fuzz-api.sh: unknown argument '$1' (expected --examples N)" >&2; exit 2 ;;
  esac
done
python3 -m pip install -q 'schemathesis==4.32.5' >/dev/null 2>&1 || python3 -m pip install -q schemathesis >/dev/null
swift build --product crm-server >&2
server="$(swift build --show-bin-path)/crm-server"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
branch=$("$server" admin add-branch --db "$work/org.sqlite" --name Fuzz --json | field id)
user=$("$server" admin add-user --db "$work/org.sqlite" --name Fuzzer --role executive --branch "$branch" --json | field id)
token=$("$server" admin issue-token --db "$work/org.sqlite" --user "$user" --device fuzz --json | field token)
# Long polls are capped at 2 s so the response-time check measures the server, not the wait.
"$server" serve --db "$work/org.sqlite" --port 0 --max-wait-seconds 2 > "$work/server.out" 2>"$work/server.err" &
pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -E 's/listening on //' "$work/server.out")
schemathesis run protocol/openapi.yaml --url "$url" -H "Authorization: Bearer $token" \
  --checks all --max-examples "$examples" --request-timeout 40 --no-color \
  --seed 20261122 "$@"
kill -0 $pid || { echo "fuzz-api.sh: the server died during the run" >&2; cat "$work/server.err" >&2; exit 1; }
