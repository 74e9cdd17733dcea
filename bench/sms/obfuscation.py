#!/usr/bin/env python3
"""How much a model's decisions move when messages are disguised the way fraudsters disguise them.

Every message of the two corpora is sent to `fraudwall sms classify` as written and in five
disguises: letters spaced apart (words then stand wider apart than letters), zero-width spaces
between all characters, full-width ASCII, Cyrillic look-alike letters, and all four at once.
The figure is the share of messages whose label is the same as the undisguised message's: the
disguises change no meaning, so a robust model gives 100%.

Run with the benchmark virtualenv's Python and the same figure is given, in the same run, for
the scikit-learn pipeline of `compare.py` fitted on both corpora.

    cargo build --release -p fraudwall
    bench/.venv/bin/python bench/sms/obfuscation.py   # --fraudwall PATH --model FILE
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
    return zero_width(full_width(lookalike(spaced(text))))


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

    fraudwall = {}
    for line in result.stdout.splitlines():
        answer = json.loads(line)
        fraudwall[answer["id"]] = answer["label"]
    tables = [("fraudwall", stability(fraudwall))]
    sklearn = sklearn_labels(lines)
    if sklearn is not None:
        tables.append(("scikit-learn", stability(sklearn)))

    columns = [(name, corpus) for name, _ in tables for corpus, _ in CORPORA]
    print(f"{'disguise':<12}" + "".join(f"{f'{n} {c}':>22}" for n, c in columns))
    for disguise, _ in DISGUISES:
        cells = [table[(corpus, disguise)] for _, table in tables for corpus, _ in CORPORA]
        print(f"{disguise:<12}" + "".join(f"{v:>21.2f}%" for v in cells))
    print(f"(share of the {len(lines) // (len(DISGUISES) + 1)} messages whose label stays the "
          "same as undisguised)")


def stability(labels):
    """Per corpus and disguise, the percentage of messages labelled as when undisguised."""
    same, total = Counter(), Counter()
    for key, label in labels.items():
        corpus, row, disguise = key.split(":")
        if disguise == "original":
            continue
        total[(corpus, disguise)] += 1
        same[(corpus, disguise)] += label == labels[f"{corpus}:{row}:original"]
    return {key: 100 * same[key] / total[key] for key in total}


def sklearn_labels(lines):
    """The labels of compare.py's scikit-learn pipeline fitted on both corpora, if installed."""
    try:
        sys.path.insert(0, HERE)
        from compare import sklearn_pipeline
    except ImportError:
        print("scikit-learn is not installed: fraudwall only", file=sys.stderr)
        return None
    originals = [line for line in lines if line["id"].endswith(":original")]
    truth = []
    for corpus, name in CORPORA:
        with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
            truth += [r["label"] for r in csv.DictReader(f)]
    pipeline = sklearn_pipeline(1.0).fit([line["text"] for line in originals], truth)
    predicted = pipeline.predict([line["text"] for line in lines])
    return {line["id"]: label for line, label in zip(lines, predicted)}


if __name__ == "__main__":
    sys.exit(main())
