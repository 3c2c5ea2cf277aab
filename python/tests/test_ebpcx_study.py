"""The EBPC-X study's coders (bench/ebpcx_study.py) are real: every scheme whose ratio the
study reports decodes back to its input, and the study's fast numpy bit count equals the
length of the bit stream actually written. numpy only (no ebpc extension, no CLI)."""
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import ebpcx_study as X  # noqa: E402

SAMPLE = os.path.join(ROOT, "data", "fmaps-sample", "mobilenet_v2-kite", "block_3_expand_relu.fixed8.npy")


def _inputs():
    """A cropped real layer (fixed8) and the same values in the other three formats, plus a
    signed variant (gradient-like) and one all-zero channel."""
    a = np.load(SAMPLE)[:6, :14, :15].copy()
    a[2] = 0
    rng = np.random.default_rng(7)
    signed = (a.astype(np.int16) * np.where(rng.random(a.shape) < 0.5, -1, 1)).astype(np.int8)
    f = a.astype(np.float32) / 9.0
    return {
        "fixed8": [a, signed],
        "fixed16": [(a.astype(np.int16) * 211), (signed.astype(np.int16) * 211 + 3 * (signed != 0)).astype(np.int16)],
        "float16": [f.astype(np.float16), (signed.astype(np.float32) / 9.0).astype(np.float16)],
        "bfloat16": [X.f32_to_bf16_bits(f), X.f32_to_bf16_bits(signed.astype(np.float32) / 9.0)],
    }


def _same(x, y):
    return np.array_equal(np.ascontiguousarray(x).view(np.uint8), np.ascontiguousarray(y).view(np.uint8))


CASES = [(fmt, i) for fmt in X.FORMATS for i in range(2)]


@pytest.mark.parametrize("name", list(X.STATIC))
@pytest.mark.parametrize("fmt,i", CASES)
def test_static_round_trip_and_bit_count(name, fmt, i):
    w = _inputs()[fmt][i]
    o = X.STATIC[name][0]
    for prev in (None, X.default_prev(fmt, o)):
        bits, ev = X.chunk_cost(w, fmt, o, prev)
        s = X.encode_static(ev)
        assert len(s) == bits
        assert _same(X.decode_static(s, w.shape, fmt, o, prev), w)


@pytest.mark.parametrize("name", X.CHUNKED)
@pytest.mark.parametrize("fmt", X.FORMATS)
def test_chunks_with_previous_chunk_tables(name, fmt):
    """The /1Mi chunk and prev-chunk variants: chunks of whole channels, tables of chunk k+1
    from chunk k's statistics (the decoder rebuilds them from what it decoded)."""
    w = _inputs()[fmt][1]
    o = X.STATIC[name][0]
    chunks = X.layer_chunks(w, limit=2 * w[0].size)
    assert len(chunks) == 3
    prev_enc = prev_dec = X.default_prev(fmt, o)
    for ch in chunks:
        bits, ev = X.chunk_cost(ch, fmt, o, prev_enc)
        s = X.encode_static(ev)
        assert len(s) == bits
        d = X.decode_static(s, ch.shape, fmt, o, prev_dec)
        assert _same(d, ch)
        prev_enc = ev.stats
        prev_dec = X.chunk_cost(d, fmt, o, prev_dec)[1].stats  # decoder side: from decoded data


@pytest.mark.parametrize("fmt,i", CASES)
def test_abac_round_trip(fmt, i):
    w = _inputs()[fmt][i]
    bits, streams = X.abac_encode(w, fmt, want_streams=True)
    assert bits == 8 * len(streams[0]) + len(streams[1]) + 1 + X.nbits_of(X.alphabet(fmt))
    assert bits == X.abac_encode(w, fmt)[0]
    assert _same(X.abac_decode(streams, w.shape, fmt), w)
    # the real range coder is within a few bytes of the ideal cost of the same states
    assert 0 <= bits - X.abac_ideal(w, fmt) < 64


def test_binarise_all_words():
    for fmt, words in (("fixed8", np.arange(-128, 128, dtype=np.int8)),
                       ("fixed16", np.arange(-32768, 32768, 7, dtype=np.int16)),
                       ("float16", np.arange(65536, dtype=np.uint16).view(np.float16)),
                       ("bfloat16", np.arange(65536, dtype=np.uint16))):
        sym, sign, mant, mbits = X.binarise(words, fmt)
        if fmt.startswith("fixed"):
            ok = sym < X.alphabet(fmt) if fmt == "fixed16" else sym <= 8
            assert ok.all()
        assert (mant < (1 << mbits)).all()
        assert _same(X.unbinarise(sym, sign, mant, fmt, words.shape), words)


def test_huffman_lengths_limited_and_prefix_free():
    counts = np.array([2 ** k for k in range(20)] + [0, 1])
    L = X.huffman_lengths(counts, 12)
    assert L.max() <= 12
    assert L[20] == 0
    assert sum(2.0 ** -l for l in L if l) <= 1.0


def test_quantiser_matches_the_documented_rules():
    x = np.array([0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 1e-3], np.float32)
    q = X.quantise(x, "fixed8", 2.0)
    assert q.tolist() == [0, 47, -47, 23, 95, -95, 0]   # trunc(x * 0.75 * 127 / 2)
    assert X.quantise(np.float32([1.0]), "bfloat16", 1.0).tolist() == [0x3F80]
    # round to nearest even at the halfway point
    half = np.array([0x3F808000, 0x3F818000], np.uint32).view(np.float32)
    assert X.f32_to_bf16_bits(half).tolist() == [0x3F80, 0x3F82]
