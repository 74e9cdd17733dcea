#!/usr/bin/env bash
# fraudwall against the ceiling server over HTTP, in one run, on loopback.
#
#   bench/http/compare.sh [FRAUDWALL_BINARY] [--with-lists] [--before OLD_BINARY]
#
# Builds and starts the ceiling server (bench/ceiling), starts fraudwall (default
# target/release/fraudwall) on a fresh data directory with an admin token, checks that both
# answer a batch, then runs each mode against both servers in turn, REPEAT times over, and prints
# a markdown table of the medians.
#
# --with-lists imports the URL block lists from the data directory into fraudwall first
# (`fraudwall lists import`), so that link events are looked up in real lists.
#
# --before OLD_BINARY also starts an older fraudwall build (as server `before`) and runs it in
# the same rotation, so that a change is measured against what it replaces in one run.
#
# Environment: MODES ("batch single rate"), REPEAT (3), DURATION (10s per run), DATA
# (../shared/data), THREADS (2: worker threads of each server), and the other settings of run.sh
# (CONNECTIONS, RATE, ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

fraudwall="$repo/target/release/fraudwall"
with_lists=false
before=""
while (($#)); do
  case "$1" in
    --with-lists) with_lists=true ;;
    --before) before="$2"; shift ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fraudwall="$1" ;;
  esac
  shift
done
modes="${MODES:-batch single rate pace}"
repeat="${REPEAT:-3}"
export DURATION="${DURATION:-10s}"
data="${DATA:-$repo/../shared/data}"
server_threads="${THREADS:-2}"
export DATA="$data"
# run.sh's THREADS is the load generator's; the servers' is set above.
unset THREADS

[[ -x "$fraudwall" ]] || {
  echo "no fraudwall binary at $fraudwall: cargo build --release -p fraudwall" >&2
  exit 1
}

# Standalone projects build into the main target directory unless told otherwise.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
echo "building the ceiling server" >&2
cargo build --release --quiet --manifest-path "$here/../ceiling/Cargo.toml"
ceiling="$CARGO_TARGET_DIR/release/fraudwall-bench-ceiling"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a server that prints `listening on ADDR` on stdout; sets $address.
start() {
  local name="$1"
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=("$!")
  for _ in $(seq 100); do
    address="$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$work/$name.out" | head -1)"
    [[ -n "$address" ]] && return
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start:" >&2
  cat "$work/$name.err" >&2
  exit 1
}

python3 "$here/gen_bodies.py" --data "$data" >&2
bodies="$repo/bench/out/http"

start ceiling "$ceiling" --listen 127.0.0.1:0 --threads "$server_threads"
ceiling_url="http://$address"

# Starts a fraudwall build on a store of its own; sets ${name}_url and ${name}_token.
start_fraudwall() {
  local name="$1" binary="$2" store="$work/$1"
  printf -v "${name}_token" '%s' "$("$binary" token create --data-dir "$store" --role admin --name bench)"
  if $with_lists; then
    echo "importing block lists into $name" >&2
    "$binary" lists import --data-dir "$store" --list black --kind url --format abp \
      "$data/urls/urlhaus-filter-online.txt" >&2
    "$binary" lists import --data-dir "$store" --list black --kind domain --format plain \
      "$data/urls/eth-phishing-blacklist.txt" >&2
  fi
  # fraudwall's runtime takes the default worker count, which tokio reads from the environment.
  start "$name" env TOKIO_WORKER_THREADS="$server_threads" \
    "$binary" serve --data-dir "$store" --listen 127.0.0.1:0
  printf -v "${name}_url" '%s' "http://$address"
}
ceiling_token=none
servers="ceiling fraudwall"
start_fraudwall fraudwall "$fraudwall"
if [[ -n "$before" ]]; then
  start_fraudwall before "$before"
  servers="ceiling before fraudwall"
fi

# Both servers must answer every event of a batch, or the figures compare different work.
check() {
  local name="$1" url="$2" token="$3"
  curl -sf -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    --data-binary @"$bodies/batch-1000.json" "$url/v1/decisions" |
    python3 -c '
import collections, json, sys
slots = json.load(sys.stdin)["decisions"]
kinds = collections.Counter(s["error"]["code"] if "error" in s else s["verdict"] for s in slots)
print(f"{sys.argv[1]}: {len(slots)} slots: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
' "$name" >&2
}
for server in $servers; do
  url="${server}_url"
  token="${server}_token"
  check "$server" "${!url}" "${!token}"
done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/results"
# Interleaved, so that a change in the machine's load hits both servers alike.
for round in $(seq "$repeat"); do
  for mode in $modes; do
    for server in $servers; do
      url="${server}_url"
      token="${server}_token"
      echo "== round $round, $server, $mode" >&2
      line="$("$here/run.sh" "${!url}" "${!token}" "$mode" | grep '^RESULT')"
      echo "$server $line" >>"$results"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "$load_before" "$load_after" <<'EOF'
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    server, _, *pairs = line.split()
    fields = dict(pair.split("=", 1) for pair in pairs)
    runs.setdefault((server, fields.pop("mode")), []).append(
        {key: float(value) for key, value in fields.items()}
    )


def median(key, rows):
    return statistics.median(row[key] for row in rows)


print(
    "| server | mode | req/s | events/s | events/s, range | p50 ms | p99 ms | p99.9 ms "
    "| non-2xx / errors |"
)
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for (server, mode), rows in runs.items():
    eps = [row["eps"] for row in rows]
    failed = sum(row["non2xx"] for row in rows), sum(row["errors"] for row in rows)
    print(
        f"| {server} | {mode} | {median('rps', rows):,.0f} | {median('eps', rows):,.0f} "
        f"| {min(eps):,.0f}–{max(eps):,.0f} | {median('p50_ms', rows):.3f} "
        f"| {median('p99_ms', rows):.3f} | {median('p999_ms', rows):.3f} "
        f"| {failed[0]:.0f} / {failed[1]:.0f} |"
    )
print(f"\nMedians of {len(next(iter(runs.values())))} runs per row.\n")
for mode in ("batch", "single"):
    if ("ceiling", mode) in runs and ("fraudwall", mode) in runs:
        share = median("eps", runs[("fraudwall", mode)]) / median("eps", runs[("ceiling", mode)])
        print(f"- {mode}: fraudwall reaches {share:.0%} of the ceiling's events/s")
    if ("before", mode) in runs and ("fraudwall", mode) in runs:
        ratio = median("eps", runs[("fraudwall", mode)]) / median("eps", runs[("before", mode)])
        print(f"- {mode}: fraudwall makes {ratio:.1%} of the events/s of the build before")
print(f"- load average (1, 5, 15 min): {sys.argv[2]} before, {sys.argv[3]} after")
EOF
