#!/usr/bin/env bash
# Swaps a snapshot of COUNT listed numbers while the server is under decision load, and checks
# that no request fails. Also reports the resident memory steady and at its peak (the rebuild
# holds the old snapshot and the new one), the rebuild time, and the propagation of API changes
# during the load.
#
#   bench/lists/swap_under_load.sh [COUNT] [FRAUDWALL_BINARY]
#
# COUNT defaults to 10,000,000 (the import takes a few minutes). Needs wrk and python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
count="${1:-10000000}"
fraudwall="${2:-$repo/target/release/fraudwall}"
duration="${DURATION:-60}"
port="${PORT:-18181}"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[[ -x "$fraudwall" ]] || { echo "build first: cargo build --release -p fraudwall" >&2; exit 1; }

echo "generating $count numbers" >&2
python3 "$here/gen_numbers.py" "$count" > "$work/numbers.txt"
echo "importing" >&2
start=$(date +%s.%N)
"$fraudwall" lists import --data-dir "$work/data" --list black --kind number --format plain "$work/numbers.txt"
echo "import took $(echo "$(date +%s.%N) - $start" | bc) s" >&2
rm "$work/numbers.txt"
token="$("$fraudwall" token create --data-dir "$work/data" --role admin --name bench)"

FRAUDWALL_LOG__FILTER=info "$fraudwall" serve --data-dir "$work/data" --listen "127.0.0.1:$port" \
  > "$work/stdout" 2> "$work/server.log" &
server=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/stdout" 2>/dev/null && break
  sleep 0.5
done
grep -q "listening on" "$work/stdout" || { cat "$work/server.log" >&2; exit 1; }
rss() { awk -v key="$1" '$1 == key {print int($2 / 1024)}' "/proc/$server/status"; }
steady=$(rss VmRSS:)
echo "serving; steady resident memory ${steady} MiB" >&2

# a decision body: 1,000 calls, one in ten from a listed number
python3 "$here/gen_numbers.py" 100 > "$work/listed.txt"
python3 - "$work/body.json" "$work/listed.txt" <<'PY'
import json, sys
listed = [line.strip() for line in open(sys.argv[2])]
events = []
for i in range(1000):
    caller = listed[i % len(listed)] if i % 10 == 0 else f"+86139{i:08d}"
    events.append({"kind": "call", "caller": caller, "callee": "+8613700137000"})
json.dump({"events": events}, open(sys.argv[1], "w"))
PY

echo "load for ${duration} s, with a full rebuild every 10 s" >&2
TOKEN="$token" wrk -t1 -c8 -d"${duration}s" --latency -s "$repo/bench/http/post.lua" \
  "http://127.0.0.1:$port" -- "$work/body.json" > "$work/wrk.txt" &
load=$!
sleep 2
rebuilds=0
while kill -0 "$load" 2>/dev/null; do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/lists/rebuild"
  rebuilds=$((rebuilds + 1))
  sleep 10
done
wait "$load" || true
peak=$(rss VmHWM:)
python3 "$here/propagation.py" "http://127.0.0.1:$port" "$token" 20 | tail -1 > "$work/propagation.txt"
cat "$work/wrk.txt"
built=$(grep -c "list snapshot built" "$work/server.log" || true)
seconds=$(sed -E 's/\x1b\[[0-9;]*m//g' "$work/server.log" | grep "list snapshot built" | tail -1 | sed -E 's/.*seconds=([0-9.]+).*/\1/')
echo
echo "listed numbers       $count"
echo "rebuilds requested   $rebuilds (snapshots built, start-up included: $built; the last took ${seconds} s)"
echo "resident memory      steady ${steady} MiB, peak ${peak} MiB ($(echo "scale=2; $peak / $steady" | bc)x)"
grep RESULT "$work/wrk.txt" | sed 's/^/load: /'
sed 's/^/propagation: /' "$work/propagation.txt"
