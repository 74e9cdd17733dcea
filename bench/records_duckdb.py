"""DuckDB answering the contact index's counter-inspection queries, as the peer of records_bench.

The Rust example (crates/fraudwall-store-records/examples/records_bench.rs) leaves in its
`stored` directory `records.bin` (rows of a, time, b, value as little-endian int64) and
`queries.txt` (direction, key, from, until, the index's answer count). This loads the same
records into a DuckDB database file, indexes (a, time) and (b, time), and runs the same queries
with prepared statements. Loading and indexing are timed apart from the queries.

    pip install duckdb numpy
    python3 bench/records_duckdb.py DIR/stored [--queries N]
"""

import argparse
import os
import statistics
import time

import duckdb
import numpy as np


def percentile(sorted_values, p):
    return sorted_values[round((len(sorted_values) - 1) * p)]


def run_queries(con, plan, outgoing, incoming, label, passes=("first", "second")):
    print(f"[{label}] plan of the outgoing query:")
    print(con.execute("EXPLAIN " + outgoing, [plan[0][1], plan[0][2], plan[0][3]]).fetchall()[0][1])
    for pass_name in passes:
        latencies = {"out": [], "in": []}
        mismatches = 0
        for direction, key, start, until, expected in plan:
            sql = outgoing if direction == "out" else incoming
            t = time.perf_counter()
            found = con.execute(sql, [key, start, until]).fetchall()
            latencies[direction].append(time.perf_counter() - t)
            # the index answers each record once; DuckDB returns an exact repeat twice
            if len(set(found)) != expected:
                mismatches += 1
        for direction, values in latencies.items():
            values.sort()
            print(f"[{label}] duckdb query ({pass_name} pass) {direction}: {len(values)} queries, "
                  f"p50 {percentile(values, 0.5) * 1e6:.0f} us, "
                  f"p99 {percentile(values, 0.99) * 1e6:.0f} us, "
                  f"mean {statistics.mean(values) * 1e6:.0f} us")
        print(f"[{label}] duckdb query ({pass_name} pass): {mismatches} answers differ from the "
              "index's")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--scanned-queries", type=int, default=200)
    args = parser.parse_args()

    rows = np.fromfile(
        os.path.join(args.dir, "records.bin"),
        dtype=[("a", "<i8"), ("time", "<i8"), ("b", "<i8"), ("value", "<i8")],
    )
    columns = {name: np.ascontiguousarray(rows[name]) for name in ("a", "time", "b", "value")}
    del rows
    db_path = os.path.join(args.dir, "records.duckdb")
    for leftover in (db_path, db_path + ".wal"):
        if os.path.exists(leftover):
            os.remove(leftover)
    con = duckdb.connect(db_path)
    started = time.perf_counter()
    con.register("loaded", columns)
    con.execute("CREATE TABLE records AS SELECT a, time, b, value FROM loaded")
    con.unregister("loaded")
    del columns
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    con.execute("CREATE INDEX records_by_a ON records (a, time)")
    con.execute("CREATE INDEX records_by_b ON records (b, time)")
    con.execute("CHECKPOINT")
    indexed = time.perf_counter() - started
    count = con.execute("SELECT count(*) FROM records").fetchone()[0]
    print(f"duckdb {duckdb.__version__}: {count} records loaded in {loaded:.1f} s, "
          f"indexed in {indexed:.1f} s")

    plan = []
    with open(os.path.join(args.dir, "queries.txt")) as f:
        for line in f:
            direction, key, start, until, expected = line.split()
            plan.append((direction, int(key), int(start), int(until), int(expected)))
    plan = plan[: args.queries]
    outgoing = ("SELECT time, b, value FROM records WHERE a = $1 AND time >= $2 AND time < $3 "
                "ORDER BY time, b")
    incoming = ("SELECT time, a, value FROM records WHERE b = $1 AND time >= $2 AND time < $3 "
                "ORDER BY time, a")
    # each of these scans the table, so a sample of the queries, once, is enough to see it
    scanned = plan[: args.scanned_queries]
    run_queries(con, scanned, outgoing, incoming, "indexes on (a, time), (b, time)", ("first",))

    # DuckDB's ART answers equality on a whole key, not a prefix with a range after it, so the
    # composite indexes above leave it scanning; single-column indexes are its best case.
    started = time.perf_counter()
    con.execute("CREATE INDEX records_a ON records (a)")
    con.execute("CREATE INDEX records_b ON records (b)")
    con.execute("CHECKPOINT")
    print(f"single-column indexes on a and b built in {time.perf_counter() - started:.1f} s")
    run_queries(con, plan, outgoing, incoming, "indexes on a, b as well")
    con.close()


if __name__ == "__main__":
    main()
