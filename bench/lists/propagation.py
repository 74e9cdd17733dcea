#!/usr/bin/env python3
"""How long a list change made through the API takes to reach decisions.

    propagation.py URL TOKEN [ROUNDS]

TOKEN needs the analyst or admin role (it puts entries) and the decisions role (admin has
both). Each round puts a fresh domain on the black list, then asks for a decision on a URL under
it every millisecond until the verdict is `block`, and records the time from sending the put to
the first blocking decision; then it removes the entry. Prints p50, p99 and max over the rounds.
"""
import json
import sys
import time
import urllib.request


def call(url: str, token: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main() -> None:
    url, token = sys.argv[1].rstrip("/"), sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    stamp = int(time.time())
    latencies = []
    for i in range(rounds):
        domain = f"propagation-{stamp}-{i}.example"
        event = {"events": [{"kind": "url", "url": f"http://login.{domain}/pay"}]}
        started = time.perf_counter()
        call(url, token, "/v1/lists/black/entries", {"entries": [{"kind": "domain", "value": domain}]})
        while True:
            verdict = call(url, token, "/v1/decisions", event)["decisions"][0]["verdict"]
            if verdict == "block":
                break
            if time.perf_counter() - started > 10:
                sys.exit(f"round {i}: the change did not reach decisions within 10 s")
            time.sleep(0.001)
        latencies.append((time.perf_counter() - started) * 1000)
        call(url, token, "/v1/lists/black/remove", {"entries": [{"kind": "domain", "value": domain}]})
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"rounds {rounds}: put-to-block p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"RESULT rounds={rounds} p50_ms={p(0.5):.1f} p99_ms={p(0.99):.1f} max_ms={latencies[-1]:.1f}")


if __name__ == "__main__":
    main()
