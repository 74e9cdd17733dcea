#!/usr/bin/env python3
"""Does the SMS classifier recognise fraud it was not trained on? fraudwall against scikit-learn.

Two measurements, in one run, on the same data for both sides:

1. Cross-validation over the training files (the public corpora and the project's own written
   corpus, `data/sms/written/`): `fraudwall sms eval --cv K` (nested: each outer fold scored by a
   model whose settings were chosen on the other folds), and scikit-learn's TF-IDF word 1-2-grams
   plus character 1-4-grams with LinearSVC fitted on the same outer training folds. Figures per
   language and per fraud type.

2. The held-out set (`data/sms/heldout/`), written apart from the training data and never used to
   choose anything: both sides train on all the training files, then classify it. Figures per
   language and type, at the decision engine's operating point too (a message is flagged when the
   classifier's best class is a fraud type and its risk, 1 - P(normal), reaches the `warn` rule's
   0.65), and the false alarms on the legitimate look-alikes.

"Recall" is the share of fraud messages called anything but normal (a fraud type read as
another fraud type still stops the message); "false alarms" the share of normal messages called
anything else.

Usage (from the repository root, after `cargo build --release -p fraudwall`):
    python3 -m venv bench/.venv && bench/.venv/bin/pip install scikit-learn
    bench/.venv/bin/python bench/sms/generalize.py [--folds 5] [--skip-cv] [--search default] [--sim DIR]

With `--sim DIR` (a scenario written by `fraudwall simulate`), the province's SMS are scored too:
its fraud messages (from `truth.ndjson`) and its other messages as normal, each distinct text
(each template, for the normal ones) once.
They come from a third writer, the simulation's own scripts, so they serve as a development set
where the held-out set may not.

With `--dev`, the development set (`data/sms/dev/`, a fourth writer) is scored too: unlike the
held-out set, thresholds, features and corpus changes may be compared on it.

With `--server URL --token TOKEN` (a running `fraudwall serve`), the held-out messages also go
through the whole decision path, as SMS events from an unlisted sender, and a message counts as
flagged when its verdict is `warn`, `block` or `hold`.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from compare import DATA, ROOT, folds_of, read, sklearn_pipeline  # noqa: E402

TRAIN = [
    os.path.join(DATA, "sms", "en-sms-spam.train.csv"),
    os.path.join(DATA, "sms", "cn-fraud-sms.train.csv"),
    os.path.join(ROOT, "data", "sms", "written", "en.csv"),
    os.path.join(ROOT, "data", "sms", "written", "zh.csv"),
]
HELDOUT = [
    os.path.join(ROOT, "data", "sms", "heldout", "en.csv"),
    os.path.join(ROOT, "data", "sms", "heldout", "zh.csv"),
]
DEV = [
    os.path.join(ROOT, "data", "sms", "dev", "en.csv"),
    os.path.join(ROOT, "data", "sms", "dev", "zh.csv"),
]
LANGUAGE = {
    "en-sms-spam.train.csv": "en",
    "cn-fraud-sms.train.csv": "zh",
    "en.csv": "en",
    "zh.csv": "zh",
}
WARN_RISK = 0.65


def language_of(source, text):
    lang = LANGUAGE.get(source)
    if lang:
        return lang
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return "zh" if cjk * 3 > len(text) else "en"


def figures(rows, flagged):
    """Per (language, label): messages and how many were flagged; a dict of dicts."""
    out = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (source, label, text), flag in zip(rows, flagged):
        cell = out[language_of(source, text)][label]
        cell[0] += 1
        cell[1] += int(flag)
    return out


def summary(table):
    """Recall over fraud types, false alarms over normal, per language."""
    lines = {}
    for lang, labels in sorted(table.items()):
        fraud = [v for k, v in labels.items() if k != "normal"]
        n, hit = sum(v[0] for v in fraud), sum(v[1] for v in fraud)
        normal = labels.get("normal", [0, 0])
        lines[lang] = {
            "fraud": n,
            "recall": hit / n if n else None,
            "normal": normal[0],
            "false_alarms": normal[1] / normal[0] if normal[0] else None,
        }
    return lines


def spam_f1(rows, predicted, source="en-sms-spam.train.csv"):
    tp = fp = fn = 0
    for (s, label, _), p in zip(rows, predicted):
        if s != source:
            continue
        tp += label == "spam" and p == "spam"
        fp += label != "spam" and p == "spam"
        fn += label == "spam" and p != "spam"
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def print_tables(title, sides):
    print(f"\n## {title}")
    langs = sorted({lang for table in sides.values() for lang in table})
    for lang in langs:
        labels = sorted({label for table in sides.values() for label in table.get(lang, {})},
                        key=lambda l: (l == "normal", l))
        print(f"\n{lang}: share flagged (recall for fraud types, false alarms for normal)")
        print(f"{'label':34}{'messages':>9}" + "".join(f"{name:>16}" for name in sides))
        for label in labels:
            counts = [sides[name].get(lang, {}).get(label, [0, 0]) for name in sides]
            n = counts[0][0]
            print(f"{label:34}{n:>9}" + "".join(f"{(c[1] / c[0] if c[0] else 0):>16.3f}" for c in counts))
        for name, table in sides.items():
            s = summary(table).get(lang)
            if s:
                print(f"  {name}: fraud recall {s['recall']:.3f} over {s['fraud']}, "
                      f"false alarms {s['false_alarms']:.3f} over {s['normal']} normal")


def read_scenario(directory):
    """Distinct SMS texts of a scenario: fraud from the truth, the rest normal."""
    fraud = {}
    with open(os.path.join(directory, "truth.ndjson"), encoding="utf-8") as f:
        for line in f:
            if '"type":"message"' in line:
                m = json.loads(line)
                fraud.setdefault(m["text"], m["fraud_type"])
    # the province's ordinary messages repeat a few hundred templates with other links and
    # amounts: each shape counts once, or three templates would make the false-alarm rate
    normal = {}
    for name in sorted(os.listdir(directory)):
        if name.startswith("records-") and name.endswith(".ndjson"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                for line in f:
                    if line.startswith('{"kind":"sms_record"'):
                        text = json.loads(line)["text"]
                        if text not in fraud:
                            normal.setdefault(re.sub(r"[A-Za-z0-9./]+", "#", text), text)
    rows = [("simulation", label, text) for text, label in fraud.items()]
    rows += [("simulation", "normal", text) for text in sorted(normal.values())]
    return rows


def decide(server, token, rows):
    """Verdicts of `POST /v1/decisions` for the rows, as SMS events from an unlisted sender."""
    import urllib.request
    events = [{"kind": "sms", "sender": "+8613912345678", "recipient": "+8613800000000", "text": r[2]}
              for r in rows]
    request = urllib.request.Request(
        server.rstrip("/") + "/v1/decisions", data=json.dumps({"events": events}).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    decisions = json.load(urllib.request.urlopen(request))["decisions"]
    assert not any("error" in d for d in decisions), "the server refused an event"
    return [d["verdict"] in ("warn", "block", "hold") for d in decisions]


def fraudwall_classify(binary, model, texts):
    payload = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    out = subprocess.run([binary, "sms", "classify", "--model", model, "--probabilities", "--reasons", "0"],
                         input=payload.encode(), check=True, capture_output=True)
    answers = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(answers) == len(texts)
    return answers


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fraudwall", default=os.path.join(ROOT, "target", "release", "fraudwall"))
    ap.add_argument("--search", default="default", help="fraudwall's candidate search: default or quick")
    ap.add_argument("--skip-cv", action="store_true", help="only the held-out measurement")
    ap.add_argument("--model", help="score this fraudwall model on the held-out set instead of training one")
    ap.add_argument("--skip-heldout", action="store_true",
                    help="do not score the held-out set (while settings are still being chosen)")
    ap.add_argument("--server", help="also send the held-out set through this running fraudwall serve")
    ap.add_argument("--token", help="a token for --server")
    ap.add_argument("--sim", help="also score the SMS of this simulated scenario")
    ap.add_argument("--dev", action="store_true",
                    help="also score the development set (data/sms/dev), where choices may be made")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "sms"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = read(TRAIN)
    truth = np.array([r[1] for r in rows])
    texts = [r[2] for r in rows]

    if not args.skip_cv:
        k = args.folds
        predictions = os.path.join(args.out, "generalize-cv.csv")
        cmd = [args.fraudwall, "sms", "eval", "--cv", str(k), "--json", "--predictions", predictions,
               "--search", args.search]
        for p in TRAIN:
            cmd += ["--data", p]
        print("running:", " ".join(cmd), file=sys.stderr)
        t = time.time()
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        print(f"fraudwall cross-validation: {time.time() - t:.0f} s", file=sys.stderr)
        with open(predictions, encoding="utf-8", newline="") as f:
            fw_rows = list(csv.DictReader(f))
        folds = folds_of(list(truth), k)
        assert (np.array([int(x["fold"]) for x in fw_rows]) == folds).all(), "fold rule differs"
        fw_pred = [x["predicted"] for x in fw_rows]
        sk_pred = np.empty(len(texts), dtype=object)
        for f in range(k):
            train = np.where(folds != f)[0]
            test = np.where(folds == f)[0]
            model = sklearn_pipeline(1.0).fit([texts[i] for i in train], truth[train])
            sk_pred[test] = model.predict([texts[i] for i in test])
        print_tables(f"{k}-fold cross-validation over the training files ({len(rows)} messages)", {
            "fraudwall": figures(rows, [p != "normal" for p in fw_pred]),
            "scikit-learn": figures(rows, [p != "normal" for p in sk_pred]),
        })
        print(f"\nEnglish spam F1 (UCI source): fraudwall {spam_f1(rows, fw_pred):.4f}, "
              f"scikit-learn {spam_f1(rows, sk_pred):.4f}")

    model = args.model
    if not model:
        model = os.path.join(args.out, "generalize.fwm")
        cmd = [args.fraudwall, "sms", "train", "--out", model, "--search", args.search]
        for p in TRAIN:
            cmd += ["--data", p]
        print("running:", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, capture_output=True)
    sk = sklearn_pipeline(1.0).fit(texts, truth)

    def score(title, rows, out_name):
        answers = fraudwall_classify(args.fraudwall, model, [r[2] for r in rows])
        sk_pred = sk.predict([r[2] for r in rows])
        risk = [1.0 - a["probabilities"]["normal"] for a in answers]
        print_tables(title, {
            "fraudwall": figures(rows, [a["label"] != "normal" for a in answers]),
            "fraudwall warn": figures(rows, [a["label"] != "normal" and r >= WARN_RISK
                                             for a, r in zip(answers, risk)]),
            "scikit-learn": figures(rows, [p != "normal" for p in sk_pred]),
        })
        with open(os.path.join(args.out, out_name), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source", "label", "fraudwall", "risk", "scikit_learn", "text"])
            for (source, label, text), a, r, p in zip(rows, answers, risk, sk_pred):
                w.writerow([source, label, a["label"], f"{r:.3f}", p, text])

    if args.sim:
        sim = read_scenario(args.sim)
        score(f"the simulated province's distinct messages ({len(sim)})", sim, "generalize-sim.csv")
    written_apart = []
    if args.dev:
        written_apart.append(("development set", "choices are made on it", DEV, "generalize-dev.csv"))
    if not args.skip_heldout:
        written_apart.append(("held-out set", "nothing chosen on it", HELDOUT, "generalize-heldout.csv"))
    for name, use, paths, out_name in written_apart:
        messages = read(paths)
        score(f"{name} ({len(messages)} messages, written apart; {use})", messages, out_name)
        if args.server:
            print_tables(f"{name} through POST /v1/decisions (warn, block or hold)",
                         {"fraudwall": figures(messages, decide(args.server, args.token, messages))})


if __name__ == "__main__":
    main()
