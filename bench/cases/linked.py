"""The answer time of GET /v1/cases/{id}/linked over HTTP, for a cluster of CASES cases that
share one number (and each one number of its own), on a fresh node.

    bench/.venv/bin/python bench/cases/linked.py [--binary target/release/fraudwall] [--cases 300]

Files the cases, then asks for the cluster of the first one REPEAT times and prints the
median, the 95th percentile and the worst, in milliseconds. Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def request(method, url, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as reply:
        return json.loads(reply.read())


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--binary", default=os.path.join(here, "..", "..", "target", "release", "fraudwall"))
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        token = subprocess.run(
            [args.binary, "token", "create", "--data-dir", data, "--role", "analyst", "--name", "bench"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        server = subprocess.Popen(
            [args.binary, "serve", "--data-dir", data, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            base = None
            for line in server.stdout:
                if "listening on " in line:
                    base = "http://" + line.split("listening on ")[1].strip()
                    break
            if base is None:
                sys.exit("the server did not start")
            first = None
            for i in range(args.cases):
                case = {
                    "fraud_type": "fake_customer_service",
                    "reported_at": "2026-11-02T09:30:00Z",
                    "victim": {"phone": f"1390000{i:04d}", "territory": "500101"},
                    "loss": {"amount": 12500.0, "currency": "CNY"},
                    "contacts": [
                        {"kind": "number", "value": "+8617100000099", "time": "2026-11-01T10:00:00Z"},
                        {"kind": "number", "value": f"+86135{i:08d}"},
                    ],
                    "payments": [{"to_account": "6222020000000001", "amount": 12500.0, "currency": "CNY"}],
                }
                filed = request("POST", base + "/v1/cases", token, case)
                first = first or filed["id"]
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                answer = request("GET", f"{base}/v1/cases/{first}/linked", token)
                times.append((time.perf_counter() - started) * 1000)
            assert answer["cluster"]["cases"] == args.cases, answer["cluster"]
            times.sort()
            print(
                f"GET /v1/cases/{{id}}/linked, a cluster of {args.cases} cases, {args.repeat} requests: "
                f"median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, "
                f"worst {times[-1]:.1f} ms"
            )
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
