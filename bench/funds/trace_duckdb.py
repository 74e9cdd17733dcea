"""DuckDB following the same payments through the same transfers, as the peer of trace_bench.

The Rust example (crates/fraudwall-funds/examples/trace_bench.rs) leaves in its directory
`transfers.bin` (rows of a, b, time, value, id as little-endian 64-bit integers; id is the
record's fingerprint), `payments.txt` (kind, payer, account, amount, time, id of each payment
traced) and `reach.txt` (the accounts each trace reached, by rule). This loads the transfers into
a DuckDB database file sorted by paying account, and for each payment runs one recursive query:
the accounts reachable from the payment in at most 6 hops (the payment is hop 1), each transfer
made after the money reached its paying account. "After" is the trace's order: by time, then by
id, so a transfer counts if (time, id) > (time, id) of the transfer that brought the money. The
query keeps per account and depth only the earliest arrival, which is exact for reachability
(a later arrival can follow no transfer the earliest cannot) and bounds every step by the number
of accounts. It does not compute amounts: it is the time rule alone, which is what the poison
rule reaches, so its answer must equal the poison trace's and contain every account a trace under
the default rule (first in, first out) reached.

    pip install duckdb numpy
    python3 bench/funds/trace_duckdb.py DIR [--queries N]
"""

import argparse
import os
import statistics
import time

import duckdb
import numpy as np

DEPTH = 6

QUERY = f"""
WITH RECURSIVE reach(account, depth, k) AS (
    SELECT $account::UBIGINT, 1, $k::HUGEINT
    UNION ALL
    SELECT t.b, max(r.depth) + 1, min(t.k)
    FROM reach r JOIN transfers t ON t.a = r.account AND t.k > r.k
    WHERE r.depth < {DEPTH}
    GROUP BY t.b
)
SELECT DISTINCT account FROM reach
"""


def percentile(sorted_values, p):
    return sorted_values[round((len(sorted_values) - 1) * p)]


def summary(label, values):
    if not values:
        return
    values = sorted(values)
    print(f"{label}: {len(values)} queries, p50 {percentile(values, 0.5) * 1e3:.1f} ms, "
          f"p95 {percentile(values, 0.95) * 1e3:.1f} ms, "
          f"p99 {percentile(values, 0.99) * 1e3:.1f} ms, max {values[-1] * 1e3:.1f} ms, "
          f"mean {statistics.mean(values) * 1e3:.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--queries", type=int, default=10,
                        help="payments of each kind to trace (victims', ordinary)")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads; 0: its default")
    args = parser.parse_args()

    db_path = os.path.join(args.dir, "transfers.duckdb")
    for leftover in (db_path, db_path + ".wal"):
        if os.path.exists(leftover):
            os.remove(leftover)
    con = duckdb.connect(db_path)
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    started = time.perf_counter()
    # mapped rather than read, so that only the columns take memory beside DuckDB's sort
    rows = np.memmap(
        os.path.join(args.dir, "transfers.bin"),
        dtype=[("a", "<u8"), ("b", "<u8"), ("time", "<i8"), ("value", "<u8"), ("id", "<u8")],
        mode="r",
    )
    columns = {name: np.ascontiguousarray(rows[name]) for name in ("a", "b", "time", "value", "id")}
    del rows
    con.register("loaded", columns)
    # (time, id) as one HUGEINT: the trace's order of transfers in one comparison; sorted by
    # paying account so that the join's pushed-down filters on a can skip row groups
    con.execute("""
        CREATE TABLE transfers AS
        SELECT a, b, time, value, id, (time::HUGEINT << 64) | id::HUGEINT AS k
        FROM loaded WHERE a <> b ORDER BY a, k
    """)
    con.unregister("loaded")
    del columns
    con.execute("CHECKPOINT")
    loaded = time.perf_counter() - started
    count = con.execute("SELECT count(*) FROM transfers").fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"duckdb {duckdb.__version__} ({threads} threads): {count} transfers loaded, sorted by "
          f"(a, time, id) and checkpointed in {loaded:.1f} s; database "
          f"{os.path.getsize(db_path)} bytes", flush=True)

    payments = []
    with open(os.path.join(args.dir, "payments.txt")) as f:
        for n, line in enumerate(f):
            kind, _payer, account, _amount, at, fid = line.split()
            payments.append((n, kind, int(account), (int(at) << 64) | int(fid)))
    reach = {}
    with open(os.path.join(args.dir, "reach.txt")) as f:
        for line in f:
            rule, n, *accounts = line.split()
            reach[(rule, int(n))] = {int(a) for a in accounts}

    picked = []
    for kind in ("victim", "ordinary"):
        picked += [p for p in payments if p[1] == kind][: args.queries]
    print("plan of the recursive query:")
    n, kind, account, k = picked[0]
    print(con.execute("EXPLAIN " + QUERY, {"account": account, "k": str(k)}).fetchall()[0][1])

    latencies = {"victim": [], "ordinary": []}
    sizes = {"victim": [], "ordinary": []}
    missing_fifo = 0
    poison_checked = poison_equal = 0
    for n, kind, account, k in picked:
        t = time.perf_counter()
        found = con.execute(QUERY, {"account": account, "k": str(k)}).fetchall()
        latencies[kind].append(time.perf_counter() - t)
        found = {row[0] for row in found}
        sizes[kind].append(len(found))
        print(f"payment {n} ({kind}): {latencies[kind][-1] * 1e3:.1f} ms, {len(found)} accounts",
              flush=True)
        if not reach.get(("fifo", n), set()) <= found:
            missing_fifo += 1
        if ("poison", n) in reach:
            poison_checked += 1
            if reach[("poison", n)] == found:
                poison_equal += 1
            else:
                ours = reach[("poison", n)]
                print(f"payment {n}: poison trace reached {len(ours)} accounts, duckdb "
                      f"{len(found)}; {len(ours - found)} only in the trace, "
                      f"{len(found - ours)} only in duckdb")
    for kind in ("victim", "ordinary"):
        summary(f"duckdb recursive query {kind}", latencies[kind])
        if sizes[kind]:
            print(f"duckdb recursive query {kind}: {statistics.mean(sizes[kind]):.1f} accounts "
                  f"reached per query (median {statistics.median(sizes[kind]):.0f})")
    summary("duckdb recursive query all", latencies["victim"] + latencies["ordinary"])
    print(f"duckdb reach contains the fifo trace's reach: {len(picked) - missing_fifo} of "
          f"{len(picked)}")
    print(f"duckdb reach equals the poison trace's reach: {poison_equal} of {poison_checked}")
    con.close()


if __name__ == "__main__":
    main()
