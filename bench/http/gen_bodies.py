#!/usr/bin/env python3
"""Writes request bodies for `POST /v1/decisions` load tests.

Outputs, in --out (default bench/out/http, which git ignores):

- batch-1000.json, batch-1000.1.json, ...: 1,000 events each, about 40% calls, 40% links and
  20% transfers;
- single.json, single.1.json, ...: one event each (the same mix, one kind per body);
- single.jsonl: many single-event bodies, one per line, for load generators that rotate bodies
  line by line (oha -Z).

Values look real: Chinese mobile numbers (+86 and national forms), links on hosts from the block
lists and from the phishing list's whitelist in the data directory, card numbers with a valid Luhn
digit on Chinese bank BINs, amounts with cents in CNY. Everything is seeded, so the bodies are the
same on every run.
"""

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Mobile prefixes that libphonenumber counts as valid Chinese mobile ranges.
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "157", "158", "159", "177", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "199",
]  # fmt: skip
# Issuer prefixes of Chinese debit cards: ICBC, CCB, ABC, BOC, CMB.
CARD_BINS = ["622202", "621700", "622848", "621661", "622588"]
GATEWAYS = ["domestic", "international", "voip"]
PATH_WORDS = ["login", "verify", "account", "wallet", "pay", "claim", "app", "files", "index.php"]


def mobile(rng: random.Random) -> str:
    number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    # Most systems send E.164, some the national form.
    return "+86" + number if rng.random() < 0.8 else number


def luhn_digit(body: str) -> str:
    """The check digit that makes body + digit pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    length = rng.choice([16, 19, 19, 19])  # most Chinese debit cards have 19 digits
    body = rng.choice(CARD_BINS)
    body += "".join(str(rng.randrange(10)) for _ in range(length - len(body) - 1))
    return body + luhn_digit(body)


def load_hosts(data: Path) -> tuple[list[str], list[str]]:
    """Listed entries (host or host/path) and whitelisted domains from the data directory."""
    listed = []
    for line in (data / "urls" / "urlhaus-filter-online.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("!"):
            continue
        listed.append(line.removeprefix("||").split("^")[0].split("$")[0])
    for line in (data / "urls" / "eth-phishing-blacklist.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            listed.append(line.strip())
    benign = [
        line.strip()
        for line in (data / "urls" / "eth-phishing-whitelist.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return listed, benign


def link(rng: random.Random, listed: list[str], benign: list[str]) -> str:
    scheme = rng.choice(["https://", "http://"])
    if rng.random() < 0.2:
        entry = rng.choice(listed)
        if "/" in entry:
            return scheme + entry
        host = entry
    else:
        host = rng.choice(benign)
    path = "/".join(rng.choice(PATH_WORDS) for _ in range(rng.randrange(4)))
    query = f"?id={rng.randrange(10**6)}" if rng.random() < 0.3 else ""
    return f"{scheme}{host}/{path}{query}"


def amount(rng: random.Random) -> str:
    """Yuan with cents, as a decimal string such as "1500.37"."""
    whole = rng.choice([50, 200, 500, 1500, 3000, 8000, 20000, 50000])
    return f"{whole}.{rng.randrange(100):02d}"


def event(rng: random.Random, listed: list[str], benign: list[str], kind: str) -> dict:
    if kind == "call":
        call = {"kind": "call", "caller": mobile(rng), "callee": mobile(rng)}
        if rng.random() < 0.6:
            call["attestation"] = rng.choice("ABC")
        if rng.random() < 0.5:
            call["gateway"] = rng.choice(GATEWAYS)
        return call
    if kind == "url":
        visit = {"kind": "url", "url": link(rng, listed, benign)}
        if rng.random() < 0.5:
            visit["subscriber"] = mobile(rng)
        return visit
    transfer = {
        "kind": "transfer",
        "from_account": card(rng),
        "to_account": card(rng),
        "amount": amount(rng),
        "currency": "CNY",
    }
    if rng.random() < 0.5:
        transfer["payer_phone"] = mobile(rng)
    return transfer


def kinds(rng: random.Random, count: int) -> list[str]:
    """Exactly 40% calls, 40% links and 20% transfers (rounded), in a shuffled order."""
    calls, urls = count * 2 // 5, count * 2 // 5
    out = ["call"] * calls + ["url"] * urls + ["transfer"] * (count - calls - urls)
    rng.shuffle(out)
    return out


def encode(events: list[dict], string_amounts: bool) -> str:
    body = json.dumps({"events": events}, separators=(",", ":"), ensure_ascii=False)
    if string_amounts:
        return body
    # As JSON numbers with their cents ("amount":1500.00), which every server parses.
    return re.sub(r'"amount":"([0-9.]+)"', r'"amount":\1', body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "http")
    parser.add_argument("--events", type=int, default=1000, help="events per batch body")
    parser.add_argument("--variants", type=int, default=8, help="bodies of each shape")
    parser.add_argument("--singles", type=int, default=10_000, help="lines in single.jsonl")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--string-amounts",
        action="store_true",
        help='write amounts as strings ("1500.00") instead of numbers (1500.00)',
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    listed, benign = load_hosts(args.data)
    args.out.mkdir(parents=True, exist_ok=True)

    def write(name: str, events: list[dict]) -> None:
        (args.out / name).write_text(encode(events, args.string_amounts) + "\n")

    for i in range(args.variants):
        suffix = "" if i == 0 else f".{i}"
        batch = [event(rng, listed, benign, kind) for kind in kinds(rng, args.events)]
        write(f"batch-{args.events}{suffix}.json", batch)
        # The first of a shuffled 2:2:1 draw keeps the single bodies to the same mix.
        write(f"single{suffix}.json", [event(rng, listed, benign, kinds(rng, 5)[0])])
    with (args.out / "single.jsonl").open("w") as lines:
        for kind in kinds(rng, args.singles):
            lines.write(encode([event(rng, listed, benign, kind)], args.string_amounts) + "\n")
    print(
        f"wrote {args.variants} batch bodies of {args.events} events, {args.variants} single-event "
        f"bodies and {args.singles} lines of single.jsonl to {args.out}"
    )


if __name__ == "__main__":
    main()
