#!/usr/bin/env bash
# Load-tests POST /v1/decisions on one server and prints the figures.
#
#   bench/http/run.sh URL TOKEN MODE
#
# URL is the server's base URL (http://127.0.0.1:8080), TOKEN a bearer token (any string for the
# ceiling server), MODE one of:
#   batch   wrk, as fast as it goes, rotating among the 1,000-event bodies
#   single  wrk, as fast as it goes, rotating among the one-event bodies
#   rate    oha at a fixed rate of RATE single-event requests/s, latency corrected for
#           coordinated omission (wrk cannot hold a fixed rate)
#   pace    the same fixed rate from bench/http/pace, a lighter open-loop generator (one
#           sleeping thread per connection, latency from the scheduled send time)
#
# Settings, from the environment:
#   DURATION (20s)  THREADS (1: wrk threads)  CONNECTIONS (8 for batch, 32 for single and rate)
#   RATE (20000)  BODIES (bench/out/http)  DATA (../shared/data, for generating the bodies)
#
# Last line: `RESULT mode=… rps=… eps=… p50_ms=… p99_ms=… p999_ms=… non2xx=… errors=…`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [[ $# -ne 3 ]]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
url="${1%/}"
token="$2"
mode="$3"

duration="${DURATION:-20s}"
threads="${THREADS:-1}"
rate="${RATE:-20000}"
bodies="${BODIES:-$repo/bench/out/http}"
data="${DATA:-$repo/../shared/data}"

# The load generators, installed when this machine allows it.
need_wrk() {
  command -v wrk >/dev/null && return
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing wrk (apt-get install -y wrk)" >&2
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  fi
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
}
need_oha() {
  command -v oha >/dev/null && return
  if command -v cargo >/dev/null; then
    echo "installing oha (cargo install oha --locked)" >&2
    cargo install oha --locked >/dev/null
  fi
  command -v oha >/dev/null || { echo "oha is missing: cargo install oha --locked" >&2; exit 1; }
}

if [[ ! -f "$bodies/batch-1000.json" || ! -f "$bodies/single.jsonl" ]]; then
  python3 "$here/gen_bodies.py" --data "$data" --out "$bodies" >&2
fi

case "$mode" in
  batch | single)
    need_wrk
    if [[ $mode == batch ]]; then
      files=("$bodies"/batch-1000*.json)
      connections="${CONNECTIONS:-8}"
    else
      files=("$bodies"/single*.json)
      connections="${CONNECTIONS:-32}"
    fi
    echo "wrk -t$threads -c$connections -d$duration, $mode, ${#files[@]} bodies, $url" >&2
    out="$(TOKEN="$token" wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s \
      -s "$here/post.lua" "$url" -- "${files[@]}")"
    echo "$out" | grep -v '^RESULT' >&2
    echo "$out" | grep '^RESULT' | sed "s/^RESULT /RESULT mode=$mode /"
    ;;
  pace)
    # the open-loop generator in bench/http/pace: one light thread per connection, latency from
    # the scheduled send time; it takes much less of the shared cores than oha
    pace="${CARGO_TARGET_DIR:-$repo/target}/release/fraudwall-bench-pace"
    if [[ ! -x $pace ]]; then
      (cd "$here/pace" && cargo build --release --quiet --target-dir "${CARGO_TARGET_DIR:-$repo/target}") >&2
    fi
    connections="${CONNECTIONS:-32}"
    host="${url#http://}"
    seconds="${duration%s}"
    echo "pace --rate $rate --connections $connections --seconds $seconds, single events, $url" >&2
    out="$("$pace" --addr "$host" --token "$token" --rate "$rate" --connections "$connections" \
      --seconds "$seconds" "$bodies"/single.*.json)"
    echo "$out" | grep -v '^RESULT' >&2
    echo "$out" | grep '^RESULT' | sed -E "s/^RESULT rps=([0-9]+) /RESULT mode=pace rps=\1 eps=\1 /; s/failed=([0-9]+)/non2xx=\1 errors=0/"
    ;;
  rate)
    need_oha
    connections="${CONNECTIONS:-32}"
    echo "oha -q $rate -c$connections -z $duration, single events, $url" >&2
    json="$(oha -z "$duration" -q "$rate" -c "$connections" -w --latency-correction --no-tui \
      -m POST -T application/json -H "Authorization: Bearer $token" \
      -Z "$bodies/single.jsonl" --output-format json "$url/v1/decisions")"
    python3 - "$json" <<'EOF'
import json
import sys

report = json.loads(sys.argv[1])
summary, pct = report["summary"], report["latencyPercentiles"]
codes = report.get("statusCodeDistribution") or {}
non2xx = sum(n for code, n in codes.items() if not code.startswith("2"))
errors = sum((report.get("errorDistribution") or {}).values())
rps = summary["requestsPerSec"]
ms = {k: (pct.get(k) or 0) * 1e3 for k in ("p50", "p99", "p99.9")}
print(f"requests/s   {rps:.0f}", file=sys.stderr)
print(f"latency ms   p50 {ms['p50']:.3f}   p99 {ms['p99']:.3f}   p99.9 {ms['p99.9']:.3f}", file=sys.stderr)
print(f"non-2xx      {non2xx}   errors {errors}", file=sys.stderr)
print(
    f"RESULT mode=rate rps={rps:.0f} eps={rps:.0f} p50_ms={ms['p50']:.3f} p99_ms={ms['p99']:.3f} "
    f"p999_ms={ms['p99.9']:.3f} non2xx={non2xx} errors={errors}"
)
EOF
    ;;
  *)
    echo "unknown mode $mode: batch, single, rate or pace" >&2
    exit 2
    ;;
esac
