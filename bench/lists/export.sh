#!/usr/bin/env bash
# Exports a list of COUNT numbers (default 2 M) over HTTP, CONCURRENT times at once (default 4),
# and prints how much the server's resident memory grew at its peak, and how long the exports
# took. With a second binary (an older build), runs the same against it, in the same run.
#
#     bench/lists/export.sh [COUNT] [CONCURRENT] [BEFORE_BINARY]
#
# Build first: cargo build --release -p fraudwall
set -euo pipefail

count=${1:-2000000}
concurrent=${2:-4}
before=${3:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${FRAUDWALL_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/fraudwall}
work=$(mktemp -d)
server=
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work" || true
}
trap cleanup EXIT

python3 "$root/bench/lists/gen_numbers.py" "$count" > "$work/numbers.txt"
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# run NAME BINARY: prints "NAME: … peak growth … MiB, … s"
run() {
    local name=$1 bin=$2
    local token address
    rm -rf "$work/data"
    "$bin" lists import --data-dir "$work/data" --list black --kind number --format plain \
        "$work/numbers.txt" > /dev/null
    token=$("$bin" token create --data-dir "$work/data" --role analyst --name "bench $name")
    "$bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 > "$work/$name.stdout" 2> "$work/$name.log" &
    server=$!
    for _ in $(seq 1 200); do
        address=$(sed -n 's/.*listening on \(.*\)$/\1/p' "$work/$name.stdout" | head -1)
        [[ -n "$address" ]] && break
        sleep 0.1
    done
    sleep 1
    local baseline peak now start
    baseline=$(rss_kib "$server")
    peak=$baseline
    start=$(date +%s.%N)
    local pids=()
    for i in $(seq 1 "$concurrent"); do
        curl -sf -H "Authorization: Bearer $token" \
            "http://$address/v1/lists/black/export?kind=number&format=csv" -o "$work/export.$i" &
        pids+=($!)
    done
    while kill -0 "${pids[0]}" 2>/dev/null || jobs -rp | grep -qv "^$server$"; do
        now=$(rss_kib "$server")
        (( now > peak )) && peak=$now
        sleep 0.05
        local running=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
        (( running == 0 )) && break
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    local took lines
    took=$(echo "$(date +%s.%N) - $start" | bc)
    lines=$(wc -l < "$work/export.1")
    kill "$server"; wait "$server" 2>/dev/null || true; server=
    awk -v name="$name" -v c="$concurrent" -v l="$lines" -v b="$baseline" -v p="$peak" -v t="$took" 'BEGIN {
        printf "%s: %d concurrent exports of %d lines in %.1f s; server rss %.0f MiB before, peak growth %.0f MiB\n",
            name, c, l - 1, t, b / 1024, (p - b) / 1024 }'
}

run streamed "$binary"
if [[ -n "$before" ]]; then
    run before "$before"
fi
uptime
