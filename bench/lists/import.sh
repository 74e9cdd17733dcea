#!/usr/bin/env bash
# Imports COUNT generated numbers (default 10 M) from a plain file into a fresh data directory
# with the release binary, and prints lines per second, wall and CPU seconds and peak resident
# memory. With a second binary (an older build), imports the same file with it too, in the same
# run, and prints the ratio.
#
#     bench/lists/import.sh [COUNT] [BEFORE_BINARY]
#
# Build first: cargo build --release -p fraudwall
set -euo pipefail

count=${1:-10000000}
before=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${FRAUDWALL_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/fraudwall}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$root/bench/lists/gen_numbers.py" "$count" > "$work/numbers.txt"

# run NAME BINARY: one import on a fresh data directory; prints "NAME seconds rate rss"
run() {
    local name=$1 bin=$2
    rm -rf "$work/data"
    /usr/bin/time -v "$bin" lists import --data-dir "$work/data" --list black --kind number \
        --format plain "$work/numbers.txt" > "$work/$name.out" 2> "$work/$name.err"
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/$name.err")
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$work/$name.err")
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$work/$name.err")
    head -n 1 "$work/$name.out"
    awk -v name="$name" -v n="$count" -v wall="$wall" -v cpu="$cpu" -v rss="$rss" 'BEGIN {
        printf "%s: %d lines in %.1f s wall (%.1f s cpu): %.0f lines/s, peak rss %s MiB\n",
            name, n, wall, cpu, n / wall, rss }'
    echo "$wall" > "$work/$name.wall"
}

run bulk "$binary"
if [[ -n "$before" ]]; then
    run before "$before"
    awk -v a="$(cat "$work/before.wall")" -v b="$(cat "$work/bulk.wall")" \
        'BEGIN { printf "speed-up: %.1fx\n", a / b }'
fi
uptime
