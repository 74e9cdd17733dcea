#!/usr/bin/env python3
"""Generates tables.rs from libphonenumber's XML metadata, as shipped in the phonenumber crate.

    python3 gen_tables.py ~/.cargo/registry/src/*/phonenumber-0.3.10+9.0.33/assets > tables.rs

Every national-number pattern in the metadata is a regular expression over digits with bounded
repetition only, so each one denotes a finite set of digit strings. We expand the patterns into
sequences of digit classes, then build one minimal acyclic automaton (a DAWG over the digits
0-9) whose languages are the valid national numbers of each country calling code, and the short
numbers of each region. Walking it costs one table lookup per digit, which is what lets the E.164
fast path validate a number against the full metadata at tens of millions of numbers per second.

Validity follows libphonenumber: a national number is valid for a region when it matches the
region's general description and one of its number types (fixed line, mobile, toll free, premium
rate, shared cost, personal, VoIP, pager, UAN, voicemail), each with that type's possible lengths
(the general ones when the type has none). A calling code shared by several regions (+1, +7, +44,
...) accepts the union of its regions. A short number is valid when it matches the region's short
number general description and its shortCode description, as ShortNumberInfo.isValidShortNumber.
"""
import re
import sys
import xml.etree.ElementTree as ET

try:
    import re._parser as sre_parse
    from re._constants import BRANCH, CATEGORY, CATEGORY_DIGIT, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE, SUBPATTERN
except ImportError:  # python < 3.11
    import sre_parse
    from sre_constants import BRANCH, CATEGORY, CATEGORY_DIGIT, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE, SUBPATTERN

# Service numbers the metadata does not list but that CN publishes: the 123xx block is assigned to
# government public-service hotlines (12306 railway, 12315 consumer complaints, 12345 citizen
# hotline, 12321 spam reports, 12333 social security, 12366 tax, 12377 illegal content reports,
# 12381 the MIIT anti-fraud warning line, ...). Only 12395 is in libphonenumber 9.0.33.
SHORT_SUPPLEMENT = {"CN": [r"123\d\d"]}

TYPES = ["fixedLine", "mobile", "tollFree", "premiumRate", "sharedCost", "personalNumber",
         "voip", "pager", "uan", "voicemail"]
ALL_DIGITS = (1 << 10) - 1


def expand(nodes):
    seqs = [()]
    for op, av in nodes:
        if op is LITERAL:
            alts = [(1 << int(chr(av)),)]
        elif op is IN:
            mask = 0
            for op2, av2 in av:
                if op2 is LITERAL:
                    mask |= 1 << int(chr(av2))
                elif op2 is RANGE:
                    for c in range(av2[0], av2[1] + 1):
                        mask |= 1 << int(chr(c))
                elif op2 is CATEGORY and av2 is CATEGORY_DIGIT:
                    mask |= ALL_DIGITS
                else:
                    raise ValueError(op2)
            alts = [(mask,)]
        elif op is CATEGORY and av is CATEGORY_DIGIT:
            alts = [(ALL_DIGITS,)]
        elif op is SUBPATTERN:
            alts = expand(av[-1])
        elif op is BRANCH:
            alts = [s for branch in av[1] for s in expand(branch)]
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, hi, sub = av
            inner = expand(sub)
            alts = []
            for n in range(lo, hi + 1):
                cur = [()]
                for _ in range(n):
                    cur = [a + b for a in cur for b in inner]
                alts += cur
        else:
            raise ValueError((op, av))
        seqs = [a + b for a in seqs for b in alts]
    return seqs


def sequences(pattern, lengths):
    pattern = re.sub(r"\s+", "", pattern)
    return {s for s in expand(sre_parse.parse(pattern)) if lengths is None or len(s) in lengths}


def parse_lengths(text):
    out = set()
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"\[(\d+)-(\d+)\]", part)
        if m:
            out |= set(range(int(m[1]), int(m[2]) + 1))
        elif part:
            out.add(int(part))
    return out


def desc(el):
    """(pattern, lengths) of a descriptor, or None when absent or marked not applicable."""
    if el is None:
        return None
    p = el.find("nationalNumberPattern")
    if p is None or p.text.strip() == "NA":
        return None
    lengths = None
    pl = el.find("possibleLengths")
    if pl is not None:
        lengths = parse_lengths(pl.get("national", ""))
        if lengths == {-1}:
            return None
    return p.text, lengths


class Dawg:
    """Minimal acyclic automaton; each language is a list of (general, specific) sequence sets,
    and a string is accepted when some pair accepts it on both sides."""

    def __init__(self):
        self.rows = [(False, (0,) * 10)]  # state 0: dead
        self.by_sig = {self.rows[0]: 0}

    def add(self, pairs):
        items = frozenset((i, side, s) for i, (g, t) in enumerate(pairs)
                          for side, seqs in ((0, g), (1, t)) for s in seqs)
        memo = {}

        def visit(state):
            if not state:
                return 0
            if state in memo:
                return memo[state]
            kids = []
            for d in range(10):
                nxt = {(i, side, s[1:]) for (i, side, s) in state if s and (s[0] >> d) & 1}
                both = {i for (i, side, _) in nxt if side == 0} & {i for (i, side, _) in nxt if side == 1}
                kids.append(visit(frozenset(x for x in nxt if x[0] in both)))
            done = {i for (i, side, s) in state if side == 0 and not s}
            accept = any(i in done for (i, side, s) in state if side == 1 and not s)
            sig = (accept, tuple(kids))
            if sig not in self.by_sig:
                self.by_sig[sig] = len(self.rows)
                self.rows.append(sig)
            memo[state] = self.by_sig[sig]
            return memo[state]

        return visit(items)

    def lengths(self, root):
        """(min, max) length of the accepted strings."""
        out = set()

        def walk(state, depth):
            accept, kids = self.rows[state]
            if accept:
                out.add(depth)
            for k in set(kids):
                if k:
                    walk(k, depth + 1)

        walk(root, 0)
        return min(out), max(out)


def free_tails(dawg):
    """Finds the states whose language is "any digits, of these lengths" (the `\\d{n}` tails
    that end most patterns), and renumbers states so that those come last, from `free_start`.
    The walker stops at the first such state and checks only the remaining length, which
    shortens the chain of dependent table loads for a typical number from ~11 to ~3.
    Returns (free_start, masks of accepted remaining lengths, {old id: new id})."""
    rows = dawg.rows
    masks = {0: None}

    def mask(state):
        if state in masks:
            return masks[state]
        accept, kids = rows[state]
        result = None
        if len(set(kids)) == 1:
            (kid,) = set(kids)
            if kid == 0:
                result = 1 if accept else None
            else:
                m = mask(kid)
                if m is not None:
                    result = (m << 1) | (1 if accept else 0)
        masks[state] = result
        return result

    for state in range(len(rows)):
        mask(state)
    fixed = [i for i in range(1, len(rows)) if masks[i] is None]
    free = [i for i in range(1, len(rows)) if masks[i] is not None]
    renumber = {0: 0}
    for i in fixed + free:
        renumber[i] = len(renumber)
    dawg.original = rows
    return len(fixed) + 1, [masks[i] for i in free], renumber


def main(assets):
    main_root = ET.parse(assets + "/PhoneNumberMetadata.xml").getroot()
    short_root = ET.parse(assets + "/ShortNumberMetadata.xml").getroot()
    dawg = Dawg()

    by_code = {}
    regions = {}
    for t in main_root.iter("territory"):
        code = int(t.get("countryCode"))
        general = desc(t.find("generalDesc"))
        g = sequences(general[0], general[1])
        specific = set()
        for ty in TYPES:
            d = desc(t.find(ty))
            if d:
                specific |= sequences(d[0], d[1] if d[1] else general[1])
        entry = by_code.setdefault(code, {"pairs": [], "regions": [], "main": None})
        entry["pairs"].append((g, specific))
        rid = t.get("id")
        if rid.isalpha():
            entry["regions"].append(rid)
            if t.get("mainCountryForCode") == "true":
                entry["main"] = rid
            idd = t.get("preferredInternationalPrefix") or t.get("internationalPrefix") or ""
            if not idd.isdigit():
                idd = "00" if re.fullmatch(t.get("internationalPrefix") or "", "00") or \
                    re.match(r"^00(\||$)", t.get("internationalPrefix") or "") else ""
            regions[rid] = {"code": code, "idd": idd, "short": 0, "short_len": (0, 0)}

    codes = []
    for code in sorted(by_code):
        e = by_code[code]
        root = dawg.add(e["pairs"])
        lo, hi = dawg.lengths(root)
        main_region = e["main"] or (e["regions"][0] if len(e["regions"]) == 1 else "")
        codes.append((code, root, lo, hi, main_region))

    for t in short_root.iter("territory"):
        rid = t.get("id")
        if rid not in regions:
            continue
        general = desc(t.find("generalDesc"))
        short = desc(t.find("shortCode"))
        if not general or not short:
            continue
        g = sequences(general[0], general[1])
        s = sequences(short[0], short[1] if short[1] else general[1])
        for extra in SHORT_SUPPLEMENT.get(rid, []):
            more = sequences(extra, None)
            g |= more
            s |= more
        root = dawg.add([(g, s)])
        regions[rid]["short"] = root
        regions[rid]["short_len"] = dawg.lengths(root) if root else (0, 0)

    assert len(dawg.rows) < 0x8000
    free_start, free_masks, renumber = free_tails(dawg)
    dawg.rows = [None] * len(renumber)
    for old_id, new_id in renumber.items():
        dawg.rows[new_id] = dawg.original[old_id]
    dawg.rows = [(accept, tuple(renumber[k] for k in kids)) for accept, kids in dawg.rows]
    for entry in regions.values():
        entry["short"] = renumber[entry["short"]]
    codes = [(code, renumber[root], lo, hi, main) for code, root, lo, hi, main in codes]
    by_prefix = [0] * 1000
    for index, (code, *_rest) in enumerate(codes):
        text = str(code)
        span = 10 ** (3 - len(text))
        for p in range(code * span, (code + 1) * span):
            assert by_prefix[p] == 0, code
            by_prefix[p] = (len(text) << 12) | (index + 1)

    version = re.search(r"phonenumber-([^/]+)", assets)
    out = []
    w = out.append
    w("// @generated by gen_tables.py from the libphonenumber metadata in phonenumber %s."
      % (version[1] if version else "?"))
    w("// Do not edit: rerun the generator when the phonenumber dependency is upgraded.")
    w("")
    w("use super::meta::{CallingCode, RegionInfo};")
    w("")
    w("/// Automaton transitions: `NEXT[state][digit]` is the next state, with bit 15 set when that")
    w("/// state accepts. State 0 is dead.")
    w("#[rustfmt::skip]")
    w("pub(super) static NEXT: [[u16; 10]; %d] = [" % len(dawg.rows))
    for accept, kids in dawg.rows:
        w("[%s]," % ",".join(str(k | (0x8000 if dawg.rows[k][0] else 0)) for k in kids))
    w("];")
    w("")
    w("/// Indexed by the first three digits of an E.164 number: the calling code's length in bits")
    w("/// 12..16 and its index in `CALLING_CODES` plus one in bits 0..12 (0: no such code).")
    w("/// States from `FREE_START` on accept any digits of the lengths in their `FREE_TAIL` mask")
    w("/// (bit n: n more digits).")
    w("pub(super) const FREE_START: u16 = %d;" % free_start)
    w("#[rustfmt::skip]")
    w("pub(super) static FREE_TAIL: [u32; %d] = [" % len(free_masks))
    for i in range(0, len(free_masks), 16):
        w(",".join(str(m) for m in free_masks[i:i + 16]) + ",")
    w("];")
    w("")
    w("#[rustfmt::skip]")
    w("pub(super) static CODE_BY_PREFIX: [u16; 1000] = [")
    for i in range(0, 1000, 25):
        w(",".join(str(x) for x in by_prefix[i:i + 25]) + ",")
    w("];")
    w("")
    w("#[rustfmt::skip]")
    w("pub(super) static CALLING_CODES: [CallingCode; %d] = [" % len(codes))
    for code, root, lo, hi, main_region in codes:
        w("CallingCode { code: %d, root: %d, min_len: %d, max_len: %d, main_region: *b\"%s\" },"
          % (code, root, lo, hi, main_region or "\\0\\0"))
    w("];")
    w("")
    w("/// Sorted by id, for binary search.")
    w("#[rustfmt::skip]")
    w("pub(super) static REGIONS: [RegionInfo; %d] = [" % len(regions))
    for rid in sorted(regions):
        r = regions[rid]
        w("RegionInfo { id: *b\"%s\", code: %d, idd: \"%s\", short_root: %d, short_min: %d, short_max: %d },"
          % (rid, r["code"], r["idd"], r["short"], r["short_len"][0], r["short_len"][1]))
    w("];")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
