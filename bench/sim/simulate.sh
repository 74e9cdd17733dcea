#!/usr/bin/env bash
# The province generator's speed: `fraudwall simulate` on 100,000 subscribers × 2 days, with 1
# and 2 threads, median of ROUNDS runs, against the target (500,000 records/s) and against a
# peer measured in the same run: copying the same files (`cp -r`, the bytes alone, no
# generation), which bounds what any generator writing them could reach on this disk.
#
#   bench/sim/simulate.sh                # builds the release binary first
#   FRAUDWALL_BIN=path/to/fraudwall ROUNDS=5 SUBSCRIBERS=100000 DAYS=2 bench/sim/simulate.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
SUBSCRIBERS=${SUBSCRIBERS:-100000}
DAYS=${DAYS:-2}
if [[ -z "${FRAUDWALL_BIN:-}" ]]; then
    cargo build --release -p fraudwall --quiet
    FRAUDWALL_BIN=target/release/fraudwall
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 1 2; do
    rates=()
    for _ in $(seq "$ROUNDS"); do
        rm -rf "$WORK/out"
        line=$("$FRAUDWALL_BIN" simulate --seed 1 --subscribers "$SUBSCRIBERS" --days "$DAYS" \
            --threads "$threads" --out "$WORK/out" --json)
        rates+=("$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["records_per_second"])' "$line")")
        records=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["records"])' "$line")
    done
    echo "simulate, $threads thread(s): $records records, median $(median "${rates[@]}") records/s (runs: ${rates[*]})"
done

bytes=$(du -sb "$WORK/out" | cut -f1)
copies=()
for _ in $(seq "$ROUNDS"); do
    rm -rf "$WORK/copy"
    sync
    start=$(date +%s.%N)
    cp -r "$WORK/out" "$WORK/copy"
    sync
    end=$(date +%s.%N)
    copies+=("$(python3 -c "print($records / ($end - $start))")")
done
echo "peer: cp -r of the same $bytes bytes (with sync): median $(median "${copies[@]}") records/s (runs: ${copies[*]})"
echo "target: 500000 records/s"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
