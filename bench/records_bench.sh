#!/usr/bin/env bash
# The contact index's figures and DuckDB's on the same records and queries, in one run.
#   bench/records_bench.sh DIR [IMPORT_RECORDS] [STORED_RECORDS]
# DIR needs room for the NDJSON file (about 130 bytes a record), the records for DuckDB (32 bytes
# a record), the index (about 23 bytes a record) and DuckDB's database; it is emptied afterwards.
set -euo pipefail
dir=${1:?usage: records_bench.sh DIR [IMPORT_RECORDS] [STORED_RECORDS]}
import=${2:-10000000}
stored=${3:-100000000}
cd "$(dirname "$0")/.."
cargo build --release -p fraudwall-store-records --example records_bench
bin=${CARGO_TARGET_DIR:-target}/release/examples/records_bench
"$bin" --dir "$dir" --import "$import" --stored "$stored" --queries 1000
if [ "$stored" -gt 0 ]; then
  python3 bench/records_duckdb.py "$dir/stored" --queries 1000
fi
rm -rf "$dir/import" "$dir/stored"
