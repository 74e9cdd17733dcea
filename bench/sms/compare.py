#!/usr/bin/env python3
"""fraudwall's SMS classifier against scikit-learn, on the same folds, in one run.

fraudwall: `fraudwall sms eval --cv K`, a nested cross-validation (each outer fold is classified
by a model whose settings were chosen by an inner cross-validation on the other folds).
scikit-learn: TF-IDF over word 1-2-grams and character 1-4-grams (char_wb, which on Chinese,
written without spaces, is plain character n-grams) and LinearSVC, fitted on the same outer
training folds and scored on the same held-out folds.

Folds (the rule both sides use, documented in fraudwall_text::stratified_folds): the files are
read in the order given; labels are made canonical (trimmed, lower case, `ham` -> `normal`);
within each label, in input order, the j-th message goes to fold j % K. With `--repeat N`, the
repetitions after the first deal each label's messages in the order of splitmix64(r << 32 | row)
instead (fraudwall_text::repeated_stratified_folds), and every figure is reported as a mean and
spread over the N repetitions. The script recomputes the folds and checks them against the ones
fraudwall reports before comparing anything.

Timing, one thread on both sides:
- per message: fraudwall's time to classify the held-out folds (normalization, features,
  scoring), against scikit-learn's `transform` + `decision_function` on the same messages;
- end to end: `fraudwall sms classify` on every message as JSON lines, start-up included,
  against a Python process that loads a pickled fitted pipeline and predicts the same messages.

Usage (from the repository root, after `cargo build --release -p fraudwall`):
    python3 -m venv bench/.venv && bench/.venv/bin/pip install scikit-learn
    bench/.venv/bin/python bench/sms/compare.py [--folds 5] [--repeat 5] [--fraudwall target/release/fraudwall]
"""

import argparse
import csv
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.pipeline import make_pipeline, make_union  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.environ.get("FRAUDWALL_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
FILES = ["en-sms-spam.train.csv", "cn-fraud-sms.train.csv"]


def canonical(label):
    label = label.strip().lower()
    return "normal" if label == "ham" else label


def read(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                rows.append((os.path.basename(path), canonical(r["label"]), r["text"]))
    return rows


MASK = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def folds_of(labels, k, repetition=0):
    order = range(len(labels))
    if repetition:
        order = sorted(order, key=lambda row: (splitmix64((repetition << 32) | row), row))
    seen = {}
    out = np.zeros(len(labels), dtype=int)
    for row in order:
        label = labels[row]
        j = seen.get(label, 0)
        seen[label] = j + 1
        out[row] = j % k
    return out


def sklearn_pipeline(c):
    features = make_union(
        TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"),
        TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(1, 4)),
    )
    return make_pipeline(features, LinearSVC(C=c))


def recall_at_precision(scores, positive, target):
    order = np.argsort(-scores, kind="stable")
    s, p = scores[order], positive[order]
    total = p.sum()
    best = None
    tp = fp = 0
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            tp += p[j]
            fp += 1 - p[j]
            j += 1
        if tp > 0 and tp / (tp + fp) >= target:
            r = tp / total
            best = r if best is None or r > best else best
        i = j
    return best


def metrics(sources, truth, pred, not_normal):
    en = sources == FILES[0]
    cn = sources == FILES[1]
    cn_labels = sorted(set(truth[cn]))
    positive = (truth != "normal").astype(int)
    return {
        "English spam F1": f1_score(truth[en], pred[en], labels=["spam"], average=None)[0],
        "Chinese macro-F1 (5 classes)": f1_score(truth[cn], pred[cn], labels=cn_labels, average="macro"),
        "all macro-F1": f1_score(truth, pred, labels=sorted(set(truth)), average="macro"),
        "not normal: recall at precision 0.99": recall_at_precision(not_normal, positive, 0.99),
        "not normal: recall at precision 0.999": recall_at_precision(not_normal, positive, 0.999),
    }


def spread(values):
    values = [0.0 if v is None else v for v in values]
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return float(np.mean(values)), sd


def sklearn_cv(texts, truth, folds, k, c):
    pred = np.empty(len(texts), dtype=object)
    not_normal = np.zeros(len(texts))
    predict_seconds = fit_seconds = 0.0
    for f in range(k):
        train = np.where(folds != f)[0]
        test = np.where(folds == f)[0]
        model = sklearn_pipeline(c)
        t = time.perf_counter()
        model.fit([texts[i] for i in train], truth[train])
        fit_seconds += time.perf_counter() - t
        batch = [texts[i] for i in test]
        t = time.perf_counter()
        scores = model.decision_function(batch)
        predict_seconds += time.perf_counter() - t
        classes = list(model.classes_)
        pred[test] = np.array(classes)[scores.argmax(axis=1)]
        # a score for "not normal": the best other class's margin over normal
        n = classes.index("normal")
        others = np.delete(scores, n, axis=1).max(axis=1)
        not_normal[test] = others - scores[:, n]
    return pred, not_normal, fit_seconds, predict_seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=1, help="repetitions on differently dealt folds")
    ap.add_argument("--fraudwall", default=os.path.join(ROOT, "target", "release", "fraudwall"))
    ap.add_argument("--sklearn-c", type=float, default=1.0, help="LinearSVC C (default: scikit-learn's own)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "sms"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    paths = [os.path.join(DATA, "sms", f) for f in FILES]
    rows = read(paths)
    sources = np.array([r[0] for r in rows])
    truth = np.array([r[1] for r in rows])
    texts = [r[2] for r in rows]
    k = args.folds
    repeat = args.repeat

    # fraudwall, nested cross-validation
    predictions = os.path.join(args.out, "fraudwall-predictions.csv")
    cmd = [args.fraudwall, "sms", "eval", "--cv", str(k), "--json", "--predictions", predictions]
    if repeat > 1:
        cmd += ["--repeat", str(repeat)]
    for p in paths:
        cmd += ["--data", p]
    print("running:", " ".join(cmd), file=sys.stderr)
    started = time.time()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    fw_wall = time.time() - started
    fw = json.loads(out.stdout)
    with open(predictions, encoding="utf-8", newline="") as f:
        fw_rows = list(csv.DictReader(f))
    assert len(fw_rows) == repeat * len(rows), "fraudwall scored a different number of messages"
    fw_us = fw["classify_seconds"] * 1e6 / (repeat * len(rows))

    fw_runs, sk_runs = [], []
    sk_predict_seconds = sk_fit_seconds = 0.0
    for r in range(repeat):
        folds = folds_of(list(truth), k, r)
        mine = fw_rows[r * len(rows):(r + 1) * len(rows)]
        assert all(int(x["repetition"]) == r for x in mine), "fraudwall's repetitions are out of order"
        fw_folds = np.array([int(x["fold"]) for x in mine])
        assert (fw_folds == folds).all(), f"fraudwall's folds differ from this script's (repetition {r})"
        assert [x["label"] for x in mine] == list(truth), "fraudwall read the labels differently"
        fw_pred = np.array([x["predicted"] for x in mine])
        fw_not_normal = np.array([float(x["p_not_normal"]) for x in mine])
        fw_runs.append(metrics(sources, truth, fw_pred, fw_not_normal))
        # scikit-learn on the same folds
        sk_pred, sk_not_normal, fit_s, predict_s = sklearn_cv(texts, truth, folds, k, args.sklearn_c)
        sk_fit_seconds += fit_s
        sk_predict_seconds += predict_s
        sk_runs.append(metrics(sources, truth, sk_pred, sk_not_normal))
        print(f"repetition {r + 1}/{repeat}: fraudwall English spam F1 {fw_runs[-1]['English spam F1']:.4f}, "
              f"scikit-learn {sk_runs[-1]['English spam F1']:.4f}", file=sys.stderr)
    sk_us = sk_predict_seconds * 1e6 / (repeat * len(rows))

    # end to end: every message through a fresh process, start-up included
    jsonl = os.path.join(args.out, "messages.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    t = time.perf_counter()
    with open(jsonl, "rb") as stdin:
        classified = subprocess.run([args.fraudwall, "sms", "classify"], stdin=stdin, check=True, capture_output=True)
    fw_e2e = time.perf_counter() - t
    assert classified.stdout.count(b"\n") == len(texts)
    full = sklearn_pipeline(args.sklearn_c).fit(texts, truth)
    with tempfile.TemporaryDirectory() as tmp:
        pickled = os.path.join(tmp, "model.pkl")
        with open(pickled, "wb") as f:
            pickle.dump(full, f)
        script = (
            "import json,pickle,sys\n"
            f"m=pickle.load(open({pickled!r},'rb'))\n"
            "t=[json.loads(l)['text'] for l in open(sys.argv[1],encoding='utf-8')]\n"
            "p=m.predict(t)\n"
            "sys.stdout.write('\\n'.join(json.dumps({'id':i,'label':x}) for i,x in enumerate(p)))\n"
        )
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, jsonl], check=True, capture_output=True)
        sk_e2e = time.perf_counter() - t

    def fmt(mean, sd):
        return f"{mean:.4f}" if repeat == 1 else f"{mean:.4f} ±{sd:.4f}"

    names = list(fw_runs[0])
    fw_m = {n: spread([m[n] for m in fw_runs]) for n in names}
    sk_m = {n: spread([m[n] for m in sk_runs]) for n in names}
    print()
    runs = f"{repeat} repetitions of {k} folds" if repeat > 1 else f"{k} folds"
    print(f"{len(rows)} messages, {runs} (fraudwall: nested CV, {fw_wall:.0f} s in all; "
          f"scikit-learn: fixed C={args.sklearn_c}, {sk_fit_seconds:.0f} s fitting)")
    if repeat > 1:
        print("figures: mean ± standard deviation over the repetitions")
    print(f"{'':40} {'fraudwall':>16} {'scikit-learn':>16}")
    for name in names:
        print(f"{name:40} {fmt(*fw_m[name]):>16} {fmt(*sk_m[name]):>16}")
    print(f"{'µs per message (held-out folds)':40} {fw_us:16.1f} {sk_us:16.1f}   ratio {sk_us / fw_us:.1f}x")
    print(f"{'messages/s, one thread':40} {1e6 / fw_us:16.0f} {1e6 / sk_us:16.0f}")
    print(f"{'classify all, end to end (s)':40} {fw_e2e:16.3f} {sk_e2e:16.3f}   ratio {sk_e2e / fw_e2e:.1f}x")
    summary = {
        "messages": len(rows),
        "folds": k,
        "repetitions": repeat,
        "fraudwall": {n: {"mean": v[0], "sd": v[1]} for n, v in fw_m.items()}
        | {"per_repetition": fw_runs, "us_per_message": fw_us, "end_to_end_seconds": fw_e2e},
        "sklearn": {n: {"mean": v[0], "sd": v[1]} for n, v in sk_m.items()}
        | {"per_repetition": sk_runs, "us_per_message": sk_us, "end_to_end_seconds": sk_e2e, "C": args.sklearn_c},
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, default=float)


if __name__ == "__main__":
    main()
