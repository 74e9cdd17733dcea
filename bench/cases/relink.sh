#!/usr/bin/env bash
# Relinks COUNT synthetic cases (default 10 M, 10 identifiers each) from scratch with
# fraudwall's linker, then finds the connected components of the same unions with
# python-igraph, in the same run.
#
#     bench/cases/relink.sh [COUNT]
#
# Needs bench/.venv with igraph (python3 -m venv bench/.venv && bench/.venv/bin/pip install igraph).
set -euo pipefail

count=${1:-10000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --locked -p fraudwall-cases --example relink >&2
relink=${CARGO_TARGET_DIR:-$root/target}/release/examples/relink

# the linker alone: its time and memory, without the edge list it writes after
MIMALLOC_LARGE_OS_PAGES=1 /usr/bin/time -v "$relink" "$count" 2> "$work/time"
grep -E "Elapsed|Maximum resident" "$work/time"

# the same unions as an edge list, for igraph
"$relink" "$count" --edges "$work/edges.txt" | tail -n 1
"$root/bench/.venv/bin/python" "$root/bench/cases/components.py" "$work/edges.txt" "$count"
