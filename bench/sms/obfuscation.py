#!/usr/bin/env python3
"""How much a model's decisions move when messages are disguised the way fraudsters disguise them.

Every message of the two corpora is sent to `fraudwall sms classify` as written and in five
disguises: letters spaced apart (words then stand wider apart than letters), zero-width spaces
between all characters, full-width ASCII, Cyrillic look-alike letters, and all four at once.
The figure is the share of messages whose label is the same as the undisguised message's: the
disguises change no meaning, so a robust model gives 100%.

    cargo build --release -p fraudwall
    python3 bench/sms/obfuscation.py   # --fraudwall target/release/fraudwall --model FILE
"""

import argparse
import csv
import json
import os
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "..", "shared", "data", "sms")
CORPORA = [("english", "en-sms-spam.train.csv"), ("chinese", "cn-fraud-sms.train.csv")]

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
LOOKALIKES = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"})


def spaced(text):
    # one space between letters, so the spaces between words become three
    return " ".join(text)


def zero_width(text):
    return "\u200b".join(text)


def full_width(text):
    return text.translate(FULL_WIDTH)


def lookalike(text):
    return text.translate(LOOKALIKES)


def everything(text):
    return zero_width(full_width(lookalike(spaced(text)))) if len(text) < 400 else spaced(text)


DISGUISES = [
    ("spaced", spaced),
    ("zero_width", zero_width),
    ("full_width", full_width),
    ("lookalike", lookalike),
    ("all", everything),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fraudwall", default=os.path.join(ROOT, "target", "release", "fraudwall"))
    parser.add_argument("--model", help="model file (default: the bundled model)")
    args = parser.parse_args()

    lines = []
    for corpus, name in CORPORA:
        with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
            for row, record in enumerate(csv.DictReader(f)):
                text = record["text"]
                lines.append({"id": f"{corpus}:{row}:original", "text": text})
                for disguise, apply in DISGUISES:
                    lines.append({"id": f"{corpus}:{row}:{disguise}", "text": apply(text)})
    command = [args.fraudwall, "sms", "classify", "--reasons", "0"]
    if args.model:
        command += ["--model", args.model]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=True)

    labels = {}
    for line in result.stdout.splitlines():
        answer = json.loads(line)
        corpus, row, disguise = answer["id"].split(":")
        labels[(corpus, row, disguise)] = answer["label"]
    same, total = Counter(), Counter()
    for (corpus, row, disguise), label in labels.items():
        if disguise == "original":
            continue
        total[(corpus, disguise)] += 1
        same[(corpus, disguise)] += label == labels[(corpus, row, "original")]

    print(f"{'disguise':<12}" + "".join(f"{corpus:>12}" for corpus, _ in CORPORA))
    for disguise, _ in DISGUISES:
        cells = [100 * same[(c, disguise)] / total[(c, disguise)] for c, _ in CORPORA]
        print(f"{disguise:<12}" + "".join(f"{v:>11.2f}%" for v in cells))
    print(f"(share of {sum(total.values()) // len(DISGUISES)} messages whose label stays the "
          "same as undisguised)")


if __name__ == "__main__":
    sys.exit(main())
