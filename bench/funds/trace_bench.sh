#!/usr/bin/env bash
# Money tracing through the contact index and DuckDB's recursive query on the same transfers and
# payments, in one run.
#   bench/funds/trace_bench.sh DIR [TRANSFERS] [DUCKDB_QUERIES]
# DUCKDB_QUERIES payments of each kind (victims', ordinary) go to DuckDB; every payment is traced.
# POISON / POISON_ORDINARY: how many of each kind are also traced under the poison rule, whose
# reach DuckDB's must equal (one from an ordinary payment can reach a fifth of the accounts and
# take minutes). PYTHON: an interpreter with duckdb and numpy (bench/.venv if there).
# DIR needs room for the index (about 32 bytes a transfer), the transfers for DuckDB (40 bytes a
# transfer) and DuckDB's database; they are deleted afterwards, the small files kept.
set -euo pipefail
dir=${1:?usage: trace_bench.sh DIR [TRANSFERS] [DUCKDB_QUERIES]}
transfers=${2:-100000000}
queries=${3:-10}
cd "$(dirname "$0")/../.."
python=${PYTHON:-$( [ -x bench/.venv/bin/python ] && echo bench/.venv/bin/python || echo python3 )}
cargo build --release -p fraudwall-funds --example trace_bench
bin=${CARGO_TARGET_DIR:-target}/release/examples/trace_bench
mkdir -p "$dir"
echo "load before: $(uptime)"
"$bin" build --dir "$dir" --transfers "$transfers"
echo "on disk: index $(du -sb "$dir/index" | cut -f1) bytes"
# The segments are synced, so the kernel may drop them: the first pass then reads from disk what
# it needs, as a trace does after the index has been idle.
"$python" - "$dir/index" <<'PY'
import os, sys
for name in os.listdir(sys.argv[1]):
    fd = os.open(os.path.join(sys.argv[1], name), os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
echo "load before tracing: $(uptime)"
"$bin" trace --dir "$dir" --poison "${POISON:-3}" --poison-ordinary "${POISON_ORDINARY:-1}"
# how much of the segments the traces brought back into the page cache
if command -v fincore >/dev/null; then fincore "$dir"/index/*.fwr; fi
echo "load before duckdb: $(uptime)"
"$python" bench/funds/trace_duckdb.py "$dir" --queries "$queries"
echo "load after: $(uptime)"
rm -rf "$dir/index" "$dir/transfers.bin" "$dir/transfers.duckdb" "$dir/transfers.duckdb.wal"
