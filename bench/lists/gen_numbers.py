#!/usr/bin/env python3
"""Writes N distinct, valid Chinese mobile numbers in E.164, one per line, reproducibly.

    gen_numbers.py COUNT [SEED] > numbers.txt

Numbers are drawn from the 13x-19x mobile blocks in use (a few unassigned prefixes are left out
so that every line imports), by a multiplicative permutation of the index, so they are distinct
without a set in memory.
"""
import sys

PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "170", "171", "172", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    "191", "193", "195", "196", "197", "198", "199",
]
SPAN = 10**8  # the eight digits after the prefix


def main() -> None:
    count = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    total = len(PREFIXES) * SPAN
    if count > total:
        sys.exit(f"at most {total} numbers")
    # an odd multiplier coprime to the total visits every index once
    multiplier = 2_654_435_761
    while total % 2 == 0 and multiplier % 2 == 0 or gcd(multiplier, total) != 1:
        multiplier += 2
    out = sys.stdout
    buffer = []
    for i in range(count):
        n = (i * multiplier + seed) % total
        prefix, rest = divmod(n, SPAN)
        buffer.append(f"+86{PREFIXES[prefix]}{rest:08d}\n")
        if len(buffer) == 100_000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))


def gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


if __name__ == "__main__":
    main()
