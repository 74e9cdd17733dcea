#!/usr/bin/env bash
# fraudwall's URL-list lookup against Brave's adblock engine, side by side in one run.
#
#   bench/adblock/run.sh [DATA_DIR] [-- OPTIONS]
#
# DATA_DIR defaults to ../shared/data beside the repository. OPTIONS go to the benchmark binary:
# --urls N (1,000,000), --seed S (1), --rounds R (5), --show N (10).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

data="$repo/../shared/data"
if [[ $# -gt 0 && $1 != -- ]]; then
  data="$1"
  shift
fi
[[ ${1:-} == -- ]] && shift
[[ -d $data/urls ]] || {
  echo "no data directory at $data (expected $data/urls/)" >&2
  exit 1
}

# Standalone project: it builds into the main target directory unless told otherwise.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$CARGO_TARGET_DIR/release/fraudwall-bench-adblock" --data "$data" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
