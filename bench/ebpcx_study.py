#!/usr/bin/python3
"""EBPC-X design study: measured ratios of candidate mechanisms for an
EBPC-family feature-map codec, on the shipped datasets in data/ (docs/ebpcx.md).

numpy only. Every number not labelled "ideal" is the exact bit count of a real coder whose
decoder exists here (decode_static / abac_decode) and is tested by
python/tests/test_ebpcx_study.py (round trip + bit count == the fast numpy cost).

Baselines (EBPC B=8, zstd -1, zstd -19) come from the already built `ebpc` CLI
(`ebpc eval` for whole maps, `ebpc measure` for the cropped maps of the adaptive-coder
subsample); the same run's --dump-quantised maps are the study's input, and the numpy
quantiser below (same rules as src/eval/quantise.cpp) is checked against them bit for bit.

Usage: nice -n 10 /usr/bin/python3 bench/ebpcx_study.py [--full] [--out docs] [--work DIR]
"""
import argparse
import glob
import heapq
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NETWORKS = ["face_recognition_net", "inception_v3", "mobilenet_v2", "mobilenet_v2_mid"]
FORMATS = ["fixed8", "fixed16", "float16", "bfloat16"]
KINDS = ["activation", "gradient"]
WBITS = {"fixed8": 8, "fixed16": 16, "float16": 16, "bfloat16": 16}
MAXLEN = 12          # Huffman code length limit
LENBITS = 4          # bits per transmitted code length (0..12)
RUN_A = 25           # run-length classes 0..24 (runs < 2^24)
RICE_QMAX = 24       # Rice escape: 24 ones then the run in 24 raw bits
CHUNK_WORDS = 1 << 20


# ----------------------------------------------------------------------------- formats
def alphabet(fmt):
    """Number of word classes (symbols) of a format: 0 = zero word."""
    return {"fixed8": 9, "fixed16": 17, "float16": 33, "bfloat16": 257}[fmt]


def mant_bits(fmt):
    return {"float16": 10, "bfloat16": 7}.get(fmt)


def binarise(words, fmt):
    """words (any shape, the format's storage dtype) -> sym, sign, mant, mbits (flat int64).
    fixed: sym = bit length of |v|, mant = |v| - 2^(sym-1) in sym-1 bits.
    float: sym = 1 + exponent field (0 only for the +0 word), mant = the mantissa field."""
    w = np.asarray(words).reshape(-1)
    if fmt.startswith("fixed"):
        v = w.astype(np.int64)
        a = np.abs(v)
        sym = np.zeros(a.shape, np.int64)
        nz = a > 0
        sym[nz] = np.floor(np.log2(a[nz])).astype(np.int64) + 1
        # guard against float rounding of log2
        hi = (a >= (np.int64(1) << sym)) & nz
        sym[hi] += 1
        lo = nz & (a < (np.int64(1) << np.maximum(sym - 1, 0)))
        sym[lo] -= 1
        mbits = np.maximum(sym - 1, 0)
        mant = np.where(nz, a - (np.int64(1) << mbits), 0)
        sign = (v < 0).astype(np.int64)
    else:
        u = w.view(np.uint16).astype(np.int64)
        m = mant_bits(fmt)
        sym = np.where(u == 0, 0, ((u >> m) & ((1 << (15 - m)) - 1)) + 1)
        mant = np.where(u == 0, 0, u & ((1 << m) - 1))
        mbits = np.where(u == 0, 0, m)
        sign = (u >> 15) & 1
    return sym, sign, mant, mbits


def unbinarise(sym, sign, mant, fmt, shape):
    sym = np.asarray(sym, np.int64)
    sign = np.asarray(sign, np.int64)
    mant = np.asarray(mant, np.int64)
    if fmt.startswith("fixed"):
        a = np.where(sym > 0, (np.int64(1) << np.maximum(sym - 1, 0)) + mant, 0)
        v = np.where(sign == 1, -a, a)
        return v.astype(np.int8 if fmt == "fixed8" else np.int16).reshape(shape)
    m = mant_bits(fmt)
    u = np.where(sym > 0, (sign << 15) | ((sym - 1) << m) | mant, 0)
    out = u.astype(np.uint16)
    return (out.view(np.float16) if fmt == "float16" else out).reshape(shape)


# ------------------------------------------------------------------------- quantiser
def f32_to_bf16_bits(x32):
    u = np.asarray(x32, np.float32).view(np.uint32).astype(np.uint64)
    nan = np.isnan(np.asarray(x32, np.float32))
    r = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    r = np.where(nan, 0x7FC0 | ((u >> 16) & 0x8000), r)
    return r.astype(np.uint16)


def quantise(x, fmt, layer_max):
    """The `ebpc eval` quantisation (src/eval/include/ebpc/eval_quantise.hpp) in numpy."""
    if fmt.startswith("fixed"):
        n = WBITS[fmt]
        if layer_max == 0:
            q = np.zeros(x.shape, np.int64)
        else:
            q = np.trunc(x.astype(np.float64) * (0.75 * ((1 << (n - 1)) - 1)) / np.float64(layer_max))
        return q.astype(np.int8 if n == 8 else np.int16)
    if fmt == "float16":
        return x.astype(np.float16)
    return f32_to_bf16_bits(x.astype(np.float32))


def load_zst_npy(path):
    raw = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    import io
    return np.load(io.BytesIO(raw))


# -------------------------------------------------------------------------- Huffman
def huffman_lengths(counts, maxlen=MAXLEN):
    """Length-limited Huffman code lengths (0 = unused; a single used symbol gets 0 bits)."""
    counts = np.asarray(counts, np.int64)
    used = np.nonzero(counts > 0)[0]
    L = np.zeros(len(counts), np.int64)
    if len(used) <= 1:
        return L
    heap = [(int(counts[s]), int(s), (int(s),)) for s in used]
    heapq.heapify(heap)
    tie = len(counts)
    while len(heap) > 1:
        c1, _, s1 = heapq.heappop(heap)
        c2, _, s2 = heapq.heappop(heap)
        for s in s1 + s2:
            L[s] += 1
        tie += 1
        heapq.heappush(heap, (c1 + c2, tie, s1 + s2))
    if L.max() > maxlen:
        L[used] = np.minimum(L[used], maxlen)
        # restore Kraft <= 1: lengthen the least frequent symbols that are below the limit
        order = sorted(used, key=lambda s: (counts[s], -L[s]))
        while sum(2.0 ** -L[s] for s in used) > 1.0:
            for s in order:
                if L[s] < maxlen:
                    L[s] += 1
                    break
    return L


def canonical_codes(L):
    """Canonical codes (code, length) for lengths L (0 = unused)."""
    codes = {}
    code = 0
    prev = 0
    for length, s in sorted((int(l), i) for i, l in enumerate(L) if l > 0):
        code <<= (length - prev)
        codes[s] = (code, length)
        code += 1
        prev = length
    return codes


def nbits_of(n):
    return max(1, math.ceil(math.log2(n)))


def table_cost(L, A):
    used = np.nonzero(L > 0)[0]
    if len(used) == 0:
        return 2 * nbits_of(A)
    return 2 * nbits_of(A) + LENBITS * (used[-1] - used[0] + 1)


def table_range(L, counts):
    """(lo, hi) sent for a table: used range; a single-symbol table sends lo = hi = it."""
    used = np.nonzero(L > 0)[0]
    if len(used):
        return int(used[0]), int(used[-1])
    c = np.nonzero(np.asarray(counts) > 0)[0]
    return (int(c[0]), int(c[0])) if len(c) else (0, 0)


def bitlen(x):
    x = np.asarray(x, np.int64)
    out = np.zeros(x.shape, np.int64)
    nz = x > 0
    out[nz] = np.floor(np.log2(x[nz])).astype(np.int64) + 1
    out[nz & (x >= (np.int64(1) << out))] += 1
    out[nz & (x < (np.int64(1) << np.maximum(out - 1, 0)))] -= 1
    return out


def rice_cost(r, k):
    q = r >> k
    return np.where(q < RICE_QMAX, q + 1 + k, RICE_QMAX + 24)


# ------------------------------------------------------------- static scheme (events)
class Opts:
    """zr: 'none' | 'rice' | 'huff'; chan: all-zero channel flags; ctx: '' or letters of
    L (left, flat order), A (above), P (previous channel, same position); nb: buckets per
    context letter (bucket 0 = zero word); perch: K tables chosen per channel (no ctx)."""

    def __init__(self, zr="none", chan=False, ctx="", nb=5, perch=0):
        self.zr, self.chan, self.ctx, self.nb, self.perch = zr, chan, ctx, nb, perch

    def ntables(self):
        if self.perch:
            return self.perch
        return self.nb ** len(self.ctx) if self.ctx else 1

    def __repr__(self):
        return f"Opts(zr={self.zr},chan={self.chan},ctx={self.ctx},nb={self.nb},perch={self.perch})"


def thresholds_of(sym, nb, A):
    nzs = sym[sym > 0]
    k = nb - 2
    if k <= 0:
        return np.zeros(0, np.int64)
    if len(nzs) == 0:
        return np.linspace(1, A - 1, k + 2)[1:-1].astype(np.int64)
    return np.quantile(nzs, np.arange(1, k + 1) / (k + 1), method="higher").astype(np.int64)


def bucket(s, thr):
    b = np.where(s > 0, 1, 0)
    for t in thr:
        b = b + ((s >= t) & (s > 0))
    return b


def context_ids(sym3, opts, thr):
    """Table id per position (flat) from neighbours' classes, sym3 = (C, H, W)."""
    C, H, W = sym3.shape
    flat = sym3.reshape(-1)
    ids = np.zeros(flat.shape, np.int64)
    for letter in opts.ctx:
        if letter == "L":
            nb = np.concatenate([[0], flat[:-1]])
        elif letter == "A":
            nb = np.zeros_like(sym3)
            nb[:, 1:, :] = sym3[:, :-1, :]
            nb = nb.reshape(-1)
        else:
            nb = np.zeros_like(sym3)
            nb[1:] = sym3[:-1]
            nb = nb.reshape(-1)
        ids = ids * opts.nb + bucket(nb, thr)
    return ids


class Events:
    """A chunk's coded events in bitstream order plus its header fields."""
    pass


def make_events(words3, fmt, opts, prev=None):
    """words3 (C, H, W) of one chunk -> Events. prev: stats of the previous chunk (tables and
    thresholds then come from it and are not sent), or None (sent in the chunk header)."""
    A = alphabet(fmt)
    C = words3.shape[0]
    sym, sign, mant, mbits = binarise(words3, fmt)
    sym3 = sym.reshape(words3.shape)
    ev = Events()
    ev.fmt, ev.opts, ev.shape, ev.A = fmt, opts, words3.shape, A
    ev.signed = int(sign[sym > 0].any())
    n_ch = sym3[0].size
    if opts.chan:
        ev.chan_nz = (sym3.reshape(C, -1) > 0).any(axis=1)
    else:
        ev.chan_nz = np.ones(C, bool)
    keep = np.repeat(ev.chan_nz, n_ch)
    pos = np.nonzero(keep)[0]                      # coded positions (flat)
    if prev is None:
        ev.thr = thresholds_of(sym, opts.nb, A) if opts.ctx else np.zeros(0, np.int64)
    else:
        ev.thr = prev["thr"] if opts.ctx else np.zeros(0, np.int64)
    tid_all = context_ids(sym3, opts, ev.thr) if opts.ctx else np.zeros(sym.shape, np.int64)
    s = sym[pos]
    if opts.zr == "none":
        sym_pos = pos
        key_sym = 2 * np.arange(len(pos)) + 1
    else:
        nzi = np.nonzero(s > 0)[0]
        sym_pos = pos[nzi]
        key_sym = 2 * nzi + 1
        prevnz = np.concatenate([[-1], nzi[:-1]])
        runs = nzi - prevnz - 1
        run_keys = 2 * nzi
        tail = len(s) - (nzi[-1] + 1 if len(nzi) else 0)
        if tail > 0:
            runs = np.concatenate([runs, [tail]])
            run_keys = np.concatenate([run_keys, [2 * len(s)]])
        ev.runs, ev.run_keys = runs.astype(np.int64), run_keys
    ev.sym_pos = sym_pos
    ev.sym = sym[sym_pos]
    ev.key_sym = key_sym
    ev.raw_sign = sign[sym_pos]
    ev.mant = mant[sym_pos]
    ev.mbits = mbits[sym_pos]
    T = opts.ntables()
    if opts.perch:
        chan_of = sym_pos // n_ch
        ev.sel, ev.tid = perch_select(ev.sym, chan_of, C, ev.chan_nz, opts.perch, A)
    else:
        ev.sel = None
        ev.tid = tid_all[sym_pos]
    counts = np.bincount(ev.tid * A + ev.sym, minlength=T * A).reshape(T, A)
    ev.counts = counts
    if opts.zr == "huff":
        ev.run_cls = bitlen(ev.runs)
        ev.run_counts = np.bincount(ev.run_cls, minlength=RUN_A)
    if opts.zr == "rice":
        ks = [int(rice_cost(ev.runs, k).sum()) for k in range(16)]
        ev.rice_k = int(np.argmin(ks))
    if prev is None:
        ev.L = np.array([huffman_lengths(c) for c in counts])
        ev.run_L = huffman_lengths(ev.run_counts) if opts.zr == "huff" else None
    else:
        ev.L = np.array([huffman_lengths(c + 1) for c in prev["counts"]])
        ev.run_L = huffman_lengths(prev["run_counts"] + 1) if opts.zr == "huff" else None
    ev.prev = prev is not None
    # stats handed to the next chunk
    ev.stats = {"thr": thresholds_of(sym, opts.nb, A) if opts.ctx else None, "counts": counts,
                "run_counts": ev.run_counts if opts.zr == "huff" else None}
    return ev


def default_prev(fmt, opts):
    A = alphabet(fmt)
    return {"thr": thresholds_of(np.zeros(0, np.int64), opts.nb, A),
            "counts": np.zeros((opts.ntables(), A), np.int64),
            "run_counts": np.zeros(RUN_A, np.int64)}


def perch_select(sym, chan_of, C, chan_nz, K, A):
    """Per channel one of K tables: a few Lloyd iterations on the channels' histograms."""
    H = np.bincount(chan_of * A + sym, minlength=C * A).reshape(C, A)
    live = np.nonzero(chan_nz)[0]
    mean = (H * np.arange(A)).sum(1) / np.maximum(H.sum(1), 1)
    order = live[np.argsort(mean[live], kind="stable")]
    sel = np.zeros(C, np.int64)
    for g, part in enumerate(np.array_split(order, K)):
        sel[part] = g
    for _ in range(4):
        Ls = []
        for g in range(K):
            Ls.append(huffman_lengths(H[sel == g].sum(0)))
        Ls = np.array(Ls)
        big = np.where(Ls > 0, Ls, 64)
        big[Ls.sum(1) == 0] = 64
        for g in range(K):  # single-symbol tables: 0 bits for that symbol
            if (Ls[g] > 0).sum() == 0:
                c = H[sel == g].sum(0)
                nzc = np.nonzero(c)[0]
                if len(nzc) == 1:
                    big[g] = 64
                    big[g, nzc[0]] = 0
        cost = H[live] @ big.T
        sel[live] = np.argmin(cost, axis=1)
    return sel, sel[chan_of]


def header_bits(ev):
    o = ev.opts
    A = ev.A
    bits = 1                                         # signed flag
    if o.chan:
        bits += ev.shape[0]
    if o.zr == "rice":
        bits += 4
    if o.perch:
        bits += nbits_of(o.perch) * int(ev.chan_nz.sum())
    if not ev.prev:
        if o.ctx:
            bits += len(ev.thr) * nbits_of(A)
        bits += sum(table_cost(L, A) for L in ev.L)
        if o.zr == "huff":
            bits += table_cost(ev.run_L, RUN_A)
    return bits


def events_cost(ev):
    """Exact bit count of encode_static's output (tested)."""
    bits = header_bits(ev)
    bits += int(ev.L[ev.tid, ev.sym].sum())
    bits += int(ev.mbits.sum()) + ev.signed * int((ev.sym > 0).sum())
    if ev.opts.zr == "huff":
        bits += int(ev.run_L[ev.run_cls].sum()) + int(np.maximum(ev.run_cls - 1, 0).sum())
    elif ev.opts.zr == "rice":
        bits += int(rice_cost(ev.runs, ev.rice_k).sum())
    return bits


def chunk_cost(words3, fmt, opts, prev=None):
    ev = make_events(words3, fmt, opts, prev)
    return events_cost(ev), ev


# ---------------------------------------------------------------- real bit streams
class BitWriter:
    def __init__(self):
        self.parts = []

    def put(self, value, n):
        if n:
            self.parts.append(format(int(value), "0%db" % n))

    def bits(self):
        return "".join(self.parts)


class BitReader:
    def __init__(self, s):
        self.s, self.i = s, 0

    def get(self, n):
        if n == 0:
            return 0
        v = int(self.s[self.i:self.i + n], 2)
        self.i += n
        return v


def write_table(bw, L, counts, A):
    lo, hi = table_range(L, counts)
    bw.put(lo, nbits_of(A))
    bw.put(hi, nbits_of(A))
    if hi > lo:
        for s in range(lo, hi + 1):
            bw.put(L[s], LENBITS)


def read_table(br, A):
    lo, hi = br.get(nbits_of(A)), br.get(nbits_of(A))
    L = np.zeros(A, np.int64)
    single = None
    if hi > lo:
        for s in range(lo, hi + 1):
            L[s] = br.get(LENBITS)
    else:
        single = lo
    return L, single


def encode_static(ev):
    """The chunk's bit stream as a '0'/'1' string."""
    o, A = ev.opts, ev.A
    bw = BitWriter()
    bw.put(ev.signed, 1)
    if o.chan:
        for f in ev.chan_nz:
            bw.put(int(f), 1)
    if o.zr == "rice":
        bw.put(ev.rice_k, 4)
    if o.perch:
        for c in np.nonzero(ev.chan_nz)[0]:
            bw.put(ev.sel[c], nbits_of(o.perch))
    if not ev.prev:
        for t in ev.thr:
            bw.put(t, nbits_of(A))
        for t in range(len(ev.L)):
            write_table(bw, ev.L[t], ev.counts[t], A)
        if o.zr == "huff":
            write_table(bw, ev.run_L, ev.run_counts, RUN_A)
    codes = [canonical_codes(L) for L in ev.L]
    run_codes = canonical_codes(ev.run_L) if o.zr == "huff" else None
    items = [(int(k), 1, i) for i, k in enumerate(ev.key_sym)]
    if o.zr != "none":
        items += [(int(k), 0, i) for i, k in enumerate(ev.run_keys)]
    items.sort()
    for _, is_sym, i in items:
        if is_sym:
            c = codes[ev.tid[i]].get(int(ev.sym[i]), (0, 0))
            bw.put(*c)
            if ev.signed and ev.sym[i] > 0:
                bw.put(ev.raw_sign[i], 1)
            bw.put(ev.mant[i], ev.mbits[i])
        else:
            r = int(ev.runs[i])
            if o.zr == "huff":
                c = int(ev.run_cls[i])
                bw.put(*run_codes.get(c, (0, 0)))
                if c > 1:
                    bw.put(r - (1 << (c - 1)), c - 1)
            else:
                k = ev.rice_k
                q = r >> k
                if q < RICE_QMAX:
                    bw.put((1 << (q + 1)) - 2, q + 1)
                    bw.put(r & ((1 << k) - 1), k)
                else:
                    bw.put((1 << RICE_QMAX) - 1, RICE_QMAX)
                    bw.put(r, 24)
    return bw.bits()


def _read_sym(br, table):
    dec, single = table
    if single is not None:
        return single
    code, n = 0, 0
    while True:
        code = (code << 1) | br.get(1)
        n += 1
        if (n, code) in dec:
            return dec[(n, code)]
        if n > MAXLEN:
            raise ValueError("bad code")


def decode_static(bits, shape, fmt, opts, prev=None):
    """Sequential decoder of encode_static (contexts rebuilt from decoded words)."""
    A = alphabet(fmt)
    C, H, W = shape
    n_ch = H * W
    br = BitReader(bits)
    signed = br.get(1)
    chan_nz = np.array([br.get(1) for _ in range(C)], bool) if opts.chan else np.ones(C, bool)
    rice_k = br.get(4) if opts.zr == "rice" else None
    sel = np.zeros(C, np.int64)
    if opts.perch:
        for c in np.nonzero(chan_nz)[0]:
            sel[c] = br.get(nbits_of(opts.perch))
    T = opts.ntables()

    def mk(L, single):
        if single is None and (L > 0).sum() == 0:
            single = 0
        if single is None and (L > 0).sum() == 1:
            single = int(np.nonzero(L)[0][0])
        return ({(l, c): s for s, (c, l) in canonical_codes(L).items()}, single)

    if prev is None:
        thr = [br.get(nbits_of(A)) for _ in range(opts.nb - 2)] if opts.ctx else []
        tables = [mk(*read_table(br, A)) for _ in range(T)]
        run_table = mk(*read_table(br, RUN_A)) if opts.zr == "huff" else None
    else:
        thr = list(prev["thr"]) if opts.ctx else []
        tables = [mk(huffman_lengths(c + 1), None) for c in prev["counts"]]
        run_table = mk(huffman_lengths(prev["run_counts"] + 1), None) if opts.zr == "huff" else None
    sym = np.zeros(C * n_ch, np.int64)
    sign = np.zeros(C * n_ch, np.int64)
    mant = np.zeros(C * n_ch, np.int64)
    pos = [p for c in range(C) if chan_nz[c] for p in range(c * n_ch, (c + 1) * n_ch)]
    mb = mant_bits(fmt)

    def bk(s):
        if s == 0:
            return 0
        return 1 + sum(1 for t in thr if s >= t)

    def tid_at(p):
        if opts.perch:
            return int(sel[p // n_ch])
        t = 0
        c, rem = divmod(p, n_ch)
        y, x = divmod(rem, W)
        for letter in opts.ctx:
            if letter == "L":
                s = sym[p - 1] if p > 0 else 0
            elif letter == "A":
                s = sym[p - W] if y > 0 else 0
            else:
                s = sym[p - n_ch] if c > 0 else 0
            t = t * opts.nb + bk(s)
        return t

    def read_value(p):
        s = _read_sym(br, tables[tid_at(p)])
        sym[p] = s
        if s > 0:
            if signed:
                sign[p] = br.get(1)
            m = (s - 1) if mb is None else mb
            mant[p] = br.get(m)

    i = 0
    n = len(pos)
    if opts.zr == "none":
        for p in pos:
            read_value(p)
    else:
        while i < n:
            if opts.zr == "huff":
                c = _read_sym(br, run_table)
                r = 0 if c == 0 else (1 << (c - 1)) + br.get(c - 1)
            else:
                q = 0
                while q < RICE_QMAX and br.get(1) == 1:
                    q += 1
                r = br.get(24) if q == RICE_QMAX else (q << rice_k) | br.get(rice_k)
            i += r
            if i >= n:
                break
            read_value(pos[i])
            i += 1
    if br.i != len(bits):
        raise ValueError("trailing bits")
    return unbinarise(sym, sign, mant, fmt, shape)


# --------------------------------------------------- adaptive binary arithmetic coder
PBITS = 11           # probability precision (states are 11-bit)
SHIFT = 5            # p += (target - p) >> SHIFT
TOP = 1 << 24


class RangeEncoder:
    """Binary range coder: 32-bit range, carry via a cached byte; the only multiply is
    (range >> 11) * p, 21 x 11 bits."""

    def __init__(self):
        self.low, self.rng, self.cache, self.csize, self.out = 0, 0xFFFFFFFF, 0, 1, bytearray()

    def _shift(self):
        if self.low < 0xFF000000 or self.low >= (1 << 32):
            carry = self.low >> 32
            b = self.cache
            while True:
                self.out.append((b + carry) & 0xFF)
                b = 0xFF
                self.csize -= 1
                if self.csize == 0:
                    break
            self.cache = (self.low >> 24) & 0xFF
        self.csize += 1
        self.low = (self.low << 8) & 0xFFFFFFFF

    def encode_bins(self, states, bits, probs):
        low, rng = self.low, self.rng
        for st, b in zip(states, bits):
            p = probs[st]
            bound = (rng >> PBITS) * p
            if b:
                low += bound
                rng -= bound
                probs[st] = p - (p >> SHIFT)
            else:
                rng = bound
                probs[st] = p + (((1 << PBITS) - p) >> SHIFT)
            while rng < TOP:
                rng <<= 8
                self.low = low
                self._shift()
                low = self.low
        self.low, self.rng = low, rng

    def finish(self):
        for _ in range(5):
            self._shift()
        return bytes(self.out[1:])  # the first byte is always the initial cache 0


class RangeDecoder:
    def __init__(self, data):
        self.d, self.i = b"\x00" + data + b"\x00" * 8, 1
        self.code = int.from_bytes(self.d[1:5], "big")
        self.i = 5
        self.rng = 0xFFFFFFFF

    def bit(self, probs, st):
        p = probs[st]
        bound = (self.rng >> PBITS) * p
        if self.code < bound:
            self.rng = bound
            probs[st] = p + (((1 << PBITS) - p) >> SHIFT)
            b = 0
        else:
            self.code -= bound
            self.rng -= bound
            probs[st] = p - (p >> SHIFT)
            b = 1
        while self.rng < TOP:
            self.rng <<= 8
            self.code = ((self.code << 8) | self.d[self.i]) & 0xFFFFFFFF
            self.i += 1
        return b


ABAC_UNARY = 6       # context-coded unary bins of |class - base| - 1 before the escape
# states: zero flag 8 (L, A, P nonzero), "== base" 4 (L bucket), "> base" 4, unary 2 x 6,
# top mantissa bit 9 (class - base clamped to -4..4)
ST_Z, ST_EQ, ST_GT, ST_U, ST_M = 0, 8, 12, 16, 28
ABAC_STATES = 37


def abac_bins(words3, fmt):
    """Binarisation of a chunk for the adaptive coder: (states, bins) of the context-coded
    bins in order, the raw (bypass) bits count and list, and the header."""
    A = alphabet(fmt)
    sym, sign, mant, mbits = binarise(words3, fmt)
    C, H, W = words3.shape
    s3 = sym.reshape(C, H, W)
    n = sym.size
    nzs = sym[sym > 0]
    base = int(np.bincount(nzs, minlength=A).argmax()) if len(nzs) else 1
    signed = int(sign[sym > 0].any())
    Lz = np.concatenate([[0], sym[:-1]])
    Az = np.zeros_like(s3)
    Az[:, 1:] = s3[:, :-1]
    Pz = np.zeros_like(s3)
    Pz[1:] = s3[:-1]
    Az, Pz = Az.reshape(-1), Pz.reshape(-1)
    zst = ST_Z + (Lz > 0) + 2 * (Az > 0) + 4 * (Pz > 0)
    lb = np.where(Lz == 0, 0, np.where(Lz < base, 1, np.where(Lz == base, 2, 3)))
    keys, states, bins = [], [], []
    idx = np.arange(n, dtype=np.int64) * 16
    keys.append(idx)
    states.append(zst)
    bins.append((sym > 0).astype(np.int64))
    nz = np.nonzero(sym > 0)[0]
    s = sym[nz]
    d = s - base
    keys.append(idx[nz] + 1)
    states.append(ST_EQ + lb[nz])
    bins.append((d != 0).astype(np.int64))
    ne = nz[d != 0]
    dn = d[d != 0]
    keys.append(idx[ne] + 2)
    states.append(ST_GT + lb[ne])
    bins.append((dn > 0).astype(np.int64))
    mag = np.abs(dn) - 1
    direc = (dn > 0).astype(np.int64)
    for j in range(ABAC_UNARY):
        m = mag >= j
        keys.append(idx[ne[m]] + 3 + j)
        states.append(ST_U + direc[m] * ABAC_UNARY + j)
        bins.append((mag[m] > j).astype(np.int64))
    # top mantissa bit, context-coded
    mb = mbits[nz]
    has = mb > 0
    keys.append(idx[nz[has]] + 3 + ABAC_UNARY)
    states.append(ST_M + np.clip(d[has], -4, 4) + 4)
    bins.append((mant[nz[has]] >> (mb[has] - 1)) & 1)
    keys = np.concatenate(keys)
    order = np.argsort(keys, kind="stable")
    st = np.concatenate(states)[order]
    bi = np.concatenate(bins)[order]
    esc = mag[mag >= ABAC_UNARY] - ABAC_UNARY
    raw_bits = int(signed * len(nz) + np.maximum(mb - 1, 0).sum() + (2 * bitlen(esc + 1) - 1).sum())
    hdr = 1 + nbits_of(A)
    return st, bi, raw_bits, hdr, (base, signed, sym, sign, mant, mbits)


def abac_encode(words3, fmt, want_streams=False):
    """Real coder: range-coded context bins + a raw bypass bit stream. Returns total bits
    (range-coder bytes x 8 + raw bits + header) and, if asked, the streams."""
    st, bi, raw_bits, hdr, (base, signed, sym, sign, mant, mbits) = abac_bins(words3, fmt)
    enc = RangeEncoder()
    probs = [1 << (PBITS - 1)] * ABAC_STATES
    enc.encode_bins(st.tolist(), bi.tolist(), probs)
    data = enc.finish()
    total = 8 * len(data) + raw_bits + hdr
    if not want_streams:
        return total, None
    bw = BitWriter()   # raw stream: per nonzero word in order: escape EG0, sign, mantissa rest
    nz = np.nonzero(sym > 0)[0]
    for p in nz:
        d = int(sym[p]) - base
        mag = abs(d) - 1
        if d != 0 and mag >= ABAC_UNARY:
            e = mag - ABAC_UNARY + 1
            nb = e.bit_length()
            bw.put(0, nb - 1)
            bw.put(e, nb)
        if signed:
            bw.put(int(sign[p]), 1)
        if mbits[p] > 1:
            bw.put(int(mant[p]) & ((1 << (int(mbits[p]) - 1)) - 1), int(mbits[p]) - 1)
    raw = bw.bits()
    assert len(raw) == raw_bits
    return total, (data, raw, base, signed)


def abac_decode(streams, shape, fmt):
    data, raw, base, signed = streams
    C, H, W = shape
    n_ch = H * W
    n = C * n_ch
    dec = RangeDecoder(data)
    br = BitReader(raw)
    probs = [1 << (PBITS - 1)] * ABAC_STATES
    sym = [0] * n
    sign = [0] * n
    mant = [0] * n
    mb = mant_bits(fmt)
    for p in range(n):
        c, rem = divmod(p, n_ch)
        y = rem // W
        L = sym[p - 1] if p > 0 else 0
        Av = sym[p - W] if y > 0 else 0
        Pv = sym[p - n_ch] if c > 0 else 0
        if not dec.bit(probs, ST_Z + (L > 0) + 2 * (Av > 0) + 4 * (Pv > 0)):
            continue
        lb = 0 if L == 0 else (1 if L < base else (2 if L == base else 3))
        if not dec.bit(probs, ST_EQ + lb):
            s = base
        else:
            direc = dec.bit(probs, ST_GT + lb)
            mag = 0
            while mag < ABAC_UNARY and dec.bit(probs, ST_U + direc * ABAC_UNARY + mag):
                mag += 1
            if mag == ABAC_UNARY:
                z = 0
                while br.get(1) == 0:
                    z += 1
                e = (1 << z) | br.get(z)
                mag += e - 1
            s = base + (mag + 1 if direc else -(mag + 1))
        sym[p] = s
        m = (s - 1) if mb is None else mb
        if m > 0:
            top = dec.bit(probs, ST_M + min(max(s - base, -4), 4) + 4)
        if signed:
            sign[p] = br.get(1)
        if m > 0:
            mant[p] = (top << (m - 1)) | br.get(m - 1)
    return unbinarise(sym, sign, mant, fmt, shape)


def abac_ideal(words3, fmt):
    """Ideal cost (sum of -log2 p of the same adaptive states), for the check of the real
    coder's overhead."""
    st, bi, raw_bits, hdr, _ = abac_bins(words3, fmt)
    probs = [1 << (PBITS - 1)] * ABAC_STATES
    tot = 0.0
    for s, b in zip(st.tolist(), bi.tolist()):
        p = probs[s]
        if b:
            tot -= math.log2(1 - p / 2048)
            probs[s] = p - (p >> SHIFT)
        else:
            tot -= math.log2(p / 2048)
            probs[s] = p + ((2048 - p) >> SHIFT)
    return tot + raw_bits + hdr


# ============================================================================ study
# name -> (Opts, description); every one is a real coder (encode_static / decode_static)
STATIC = {
    "H0":            (Opts(), "static Huffman of the word class per layer (zero is a class), mantissa raw"),
    "ZR-rice":       (Opts(zr="rice"), "zero runs, Rice(k per layer, escape), Huffman of nonzero classes"),
    "ZR":            (Opts(zr="huff"), "zero runs as Huffman-coded length classes + raw bits"),
    "ZR+ch":         (Opts(zr="huff", chan=True), "ZR + all-zero channel flags"),
    "C-L5":          (Opts(ctx="L", nb=5), "5 tables by the left neighbour's class bucket"),
    "C-A5":          (Opts(ctx="A", nb=5), "5 tables by the above neighbour"),
    "C-P5":          (Opts(ctx="P", nb=5), "5 tables by the previous channel, same position"),
    "C-L3A3":        (Opts(ctx="LA", nb=3), "9 tables: left x above, 3 buckets each"),
    "C-L3A3P3":      (Opts(ctx="LAP", nb=3), "27 tables: left x above x previous channel"),
    "C-L3A3P3+ch":   (Opts(ctx="LAP", nb=3, chan=True), "C-L3A3P3 + all-zero channel flags"),
    "ZR+ch+L5":      (Opts(zr="huff", chan=True, ctx="L", nb=5), "ZR+ch, nonzero class by left bucket"),
    "ZR+ch+L3A3":    (Opts(zr="huff", chan=True, ctx="LA", nb=3), "ZR+ch, nonzero class by left x above"),
    "ZR+ch+L3A3P3":  (Opts(zr="huff", chan=True, ctx="LAP", nb=3), "ZR+ch, nonzero class by L x A x P"),
    "PC4":           (Opts(perch=4), "per channel one of 4 tables (2 bits/channel), zero is a class"),
    "ZR+ch+PC4":     (Opts(zr="huff", chan=True, perch=4), "ZR+ch, per channel one of 4 nonzero tables"),
}
# schemes also run with tables per 1 Mi-word chunk and built from the previous chunk
CHUNKED = ["C-L3A3P3+ch", "ZR+ch+L3A3"]


def layer_chunks(words3, limit=CHUNK_WORDS):
    """Whole channels, at most `limit` words per chunk (a channel larger than that alone)."""
    C = words3.shape[0]
    per = max(1, limit // max(1, words3[0].size))
    return [words3[c:c + per] for c in range(0, C, per)]


def as3(a):
    a = np.asarray(a)
    if a.ndim == 3:
        return a
    if a.ndim < 3:
        return a.reshape((a.shape[0] if a.ndim else 1), 1, -1) if a.ndim == 2 else a.reshape(-1, 1, 1)
    return a.reshape(a.shape[0], a.shape[1], -1)


def ideal_h0(words):
    u = np.ascontiguousarray(words).reshape(-1).view(np.uint8 if words.dtype.itemsize == 1 else np.uint16)
    c = np.bincount(u.astype(np.int64))
    c = c[c > 0]
    n = c.sum()
    return float(-(c * np.log2(c / n)).sum())


def ideal_h1(words):
    u = np.ascontiguousarray(words).reshape(-1).view(np.uint8 if words.dtype.itemsize == 1 else np.uint16).astype(np.int64)
    left = np.concatenate([[0], u[:-1]])
    _, cj = np.unique(left * 65536 + u, return_counts=True)
    _, cl = np.unique(left, return_counts=True)
    return float(-(cj * np.log2(cj)).sum() + (cl * np.log2(cl)).sum())


def run_cli_eval(cli, work, fmts, networks):
    out = os.path.join(work, "eval")
    q = os.path.join(work, "q")
    if os.path.exists(os.path.join(out, "results.csv")) and os.path.isdir(q):
        return out, q
    cmd = [cli, "eval"] + [os.path.join(ROOT, "data", n) for n in networks] + [
        "--formats", ",".join(fmts), "--codecs", "ebpc,zstd-1,zstd-19", "--out", out,
        "--threads", "1", "--no-plots", "-q", "--dump-quantised", q]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return out, q


def read_cli_results(out):
    import csv
    res = {}
    with open(os.path.join(out, "results.csv")) as f:
        for r in csv.DictReader(f):
            res[(r["network"], r["kind"], r["image"], int(r["layer_index"]), r["format"], r["codec"])] = \
                (int(r["uncompressed_bits"]), int(r["compressed_bits"]))
    return res


def check_quantiser(network, qdir, fmts):
    """numpy quantisation of the raw maps == the CLI's dump, for every map."""
    m = json.load(open(os.path.join(ROOT, "data", network, "manifest.json")))
    raw = {}
    for f in m["files"]:
        raw[(f["kind"], f["image"], f["layer"])] = (f, load_zst_npy(os.path.join(ROOT, "data", network, f["path"])))
    mx = {}
    for (kind, image, layer), (_, x) in raw.items():
        v = float(np.abs(x.astype(np.float32)).max()) if x.size else 0.0
        mx[(kind, layer)] = max(mx.get((kind, layer), 0.0), v)
    bad = 0
    idx = {l["name"]: l["index"] for l in m["layers"]}
    for (kind, image, layer), (f, x) in raw.items():
        for fmt in fmts:
            p = os.path.join(qdir, network, kind, fmt, image, "%02d_%s.npy" % (idx[layer], layer))
            d = np.load(p)
            q = quantise(x.astype(np.float32), fmt, np.float32(mx[(kind, layer)]))
            if not np.array_equal(np.ascontiguousarray(q).view(np.uint8), np.ascontiguousarray(d).view(np.uint8)):
                bad += 1
    return len(raw) * len(fmts), bad


def maps_of(network, qdir, kind, fmt):
    """[(image, layer_index, layer, path)] in stream order (image, then layer)."""
    m = json.load(open(os.path.join(ROOT, "data", network, "manifest.json")))
    idx = {l["name"]: l["index"] for l in m["layers"]}
    out = []
    for f in m["files"]:
        if f["kind"] != kind:
            continue
        li = idx[f["layer"]]
        out.append((f["image"], li, f["layer"],
                    os.path.join(qdir, network, kind, fmt, f["image"], "%02d_%s.npy" % (li, f["layer"]))))
    order = {im["name"]: i for i, im in enumerate(m["images"])}
    out.sort(key=lambda t: (order.get(t[0], 0), t[1]))
    return out


def study_group(network, kind, fmt, qdir, cli_res, images=None):
    """Bits per mechanism for one (network, kind, format) over its maps."""
    tot = {}
    add = lambda k, v: tot.__setitem__(k, tot.get(k, 0) + v)
    prev = {}
    last_image = None
    for image, li, layer, path in maps_of(network, qdir, kind, fmt):
        if images is not None and image not in images:
            continue
        if image != last_image:
            prev = {n: default_prev(fmt, STATIC[n][0]) for n in CHUNKED}
            last_image = image
        w = as3(np.load(path))
        n = w.size
        orig = n * WBITS[fmt]
        add("orig", orig)
        ub, eb = cli_res[(network, kind, image, li, fmt, "ebpc")]
        assert ub == orig, (path, ub, orig)
        add("EBPC", eb)
        add("zstd-1", cli_res[(network, kind, image, li, fmt, "zstd-1")][1])
        add("zstd-19", cli_res[(network, kind, image, li, fmt, "zstd-19")][1])
        add("ideal H0/layer", ideal_h0(w))
        add("ideal H(x given left)/layer", ideal_h1(w))
        best = None
        for name, (o, _) in STATIC.items():
            b, _ = chunk_cost(w, fmt, o)
            add(name, b)
            if name in CHUNKED:
                add(name + " or EBPC", min(b, eb) + 1)
        for name in CHUNKED:
            o = STATIC[name][0]
            bc = bp = 0
            for ch in layer_chunks(w):
                b, _ = chunk_cost(ch, fmt, o)
                bc += b
                b, ev = chunk_cost(ch, fmt, o, prev[name])
                prev[name] = ev.stats
                bp += b
            add(name + " /1Mi chunk", bc)
            add(name + " prev-chunk tables", bp)
    return tot


def crop(w, limit):
    w = as3(w)
    per = max(1, limit // max(1, w[0].size))
    return np.ascontiguousarray(w[:per])


def study_abac(network, kind, fmt, qdir, cli, work, limit, verify_every=0, full=False, cli_res=None):
    """Default subsample: the first image, each layer cropped to its first whole channels (at
    most `limit` words); EBPC / zstd via `ebpc measure` on the same crops. full: every image,
    whole maps, EBPC / zstd from the `ebpc eval` run."""
    maps = maps_of(network, qdir, kind, fmt)
    first = maps[0][0]
    tot = {}
    add = lambda k, v: tot.__setitem__(k, tot.get(k, 0) + v)
    crops = []
    if full:
        for image, li, layer, path in maps:
            crops.append(as3(np.load(path)))
            for codec, key in (("ebpc", "EBPC"), ("zstd-1", "zstd-1"), ("zstd-19", "zstd-19")):
                add(key, cli_res[(network, kind, image, li, fmt, codec)][1])
        return abac_rest(crops, fmt, tot, add, verify_every, max_verify=1 << 18)
    cdir = os.path.join(work, "crops", network, kind, fmt)
    os.makedirs(cdir, exist_ok=True)
    files = []
    for image, li, layer, path in maps:
        if image != first:
            continue
        c = crop(np.load(path), limit)
        p = os.path.join(cdir, "%02d.npy" % li)
        np.save(p, c)
        files.append(p)
        crops.append(c)
    r = subprocess.run([cli, "measure", "--json", "--codecs", "ebpc,zstd-1,zstd-19"] + files,
                       check=True, capture_output=True, text=True).stdout
    js = json.loads(r)
    for fj in js["files"]:
        for cname, key in (("ebpc", "EBPC"), ("zstd-1", "zstd-1"), ("zstd-19", "zstd-19")):
            add(key, fj["codecs"][cname]["compressed_bits"] if isinstance(fj["codecs"], dict)
                else [c for c in fj["codecs"] if c["codec"] == cname][0]["compressed_bits"])
    return abac_rest(crops, fmt, tot, add, verify_every)


def abac_rest(crops, fmt, tot, add, verify_every, max_verify=1 << 40):
    for i, c in enumerate(crops):
        add("orig", c.size * WBITS[fmt])
        for name in ("H0", "ZR+ch", "C-L3A3P3+ch", "ZR+ch+L3A3"):
            add(name, chunk_cost(c, fmt, STATIC[name][0])[0])
        want = verify_every and i % verify_every == 0 and c.size <= max_verify
        b, streams = abac_encode(c, fmt, want_streams=want)
        if want:
            d = abac_decode(streams, c.shape, fmt)
            assert np.array_equal(d.view(np.uint8), c.view(np.uint8)), "ABAC round trip failed"
            add("verified maps", 1)
        add("ABAC (real)", b)
        add("ABAC context bins", len(abac_bins(c, fmt)[0]))
        add("words", c.size)
    return tot


MAIN_COLS = ["EBPC", "zstd-1", "zstd-19", "H0", "ZR-rice", "ZR", "ZR+ch", "C-L5", "C-A5", "C-P5",
             "C-L3A3", "C-L3A3P3", "C-L3A3P3+ch", "ZR+ch+L5", "ZR+ch+L3A3", "ZR+ch+L3A3P3", "PC4",
             "ZR+ch+PC4"]
CHUNK_COLS = [n + s for n in CHUNKED for s in ("", " /1Mi chunk", " prev-chunk tables", " or EBPC")]
IDEAL_COLS = ["ideal H0/layer", "ideal H(x given left)/layer"]


def ratio(t, k):
    return t["orig"] / t[k] if t.get(k) else float("nan")


def md_table(rows, cols, title_cols):
    out = ["| " + " | ".join(title_cols + cols) + " |", "|" + "---|" * (len(title_cols) + len(cols))]
    for keys, t in rows:
        out.append("| " + " | ".join(list(keys) + ["%.3f" % ratio(t, c) for c in cols]) + " |")
    return "\n".join(out)


def merge(ts):
    out = {}
    for t in ts:
        for k, v in t.items():
            out[k] = out.get(k, 0) + v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true",
                    help="adaptive coder on every map of every image, whole (~10 more minutes); default: subsample")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "ebpcx-study"))
    ap.add_argument("--cli", default=os.environ.get("EBPC_CLI", os.path.join(ROOT, "build", "release", "tools", "ebpc", "ebpc")))
    ap.add_argument("--networks", default=",".join(NETWORKS))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--abac-words", type=int, default=1 << 16, help="subsample crop per layer (words)")
    ap.add_argument("--no-abac", action="store_true")
    ap.add_argument("--no-quant-check", action="store_true")
    a = ap.parse_args()
    nets, fmts, kinds = a.networks.split(","), a.formats.split(","), a.kinds.split(",")
    os.makedirs(a.work, exist_ok=True)
    t0 = time.time()
    evdir, qdir = run_cli_eval(a.cli, a.work, FORMATS, NETWORKS)
    cli_res = read_cli_results(evdir)
    log = {"quantiser_check": {}, "seconds": {}}
    if not a.no_quant_check:
        for n in nets:
            log["quantiser_check"][n] = check_quantiser(n, qdir, fmts)
            print("quantiser check", n, log["quantiser_check"][n], flush=True)
    groups = {}
    for n in nets:
        for f in fmts:
            for k in kinds:
                t1 = time.time()
                groups[(n, f, k)] = study_group(n, k, f, qdir, cli_res)
                log["seconds"]["%s/%s/%s" % (n, f, k)] = round(time.time() - t1, 1)
                t = groups[(n, f, k)]
                print(n, f, k, "EBPC %.3f zstd-1 %.3f zstd-19 %.3f ZR+ch+L3A3 %.3f C-L3A3P3+ch %.3f (%.0fs)" % (
                    ratio(t, "EBPC"), ratio(t, "zstd-1"), ratio(t, "zstd-19"), ratio(t, "ZR+ch+L3A3"),
                    ratio(t, "C-L3A3P3+ch"), time.time() - t1), flush=True)
    abac = {}
    if not a.no_abac:
        limit = (1 << 40) if a.full else a.abac_words
        for n in nets:
            for f in fmts:
                for k in kinds:
                    t1 = time.time()
                    abac[(n, f, k)] = study_abac(n, k, f, qdir, a.cli, a.work, limit, verify_every=8,
                                                 full=a.full, cli_res=cli_res)
                    t = abac[(n, f, k)]
                    print("abac", n, f, k, " ".join("%s %.3f" % (c, ratio(t, c)) for c in
                          ("EBPC", "zstd-1", "zstd-19", "ZR+ch+L3A3", "ABAC (real)")),
                          "(%.0fs)" % (time.time() - t1), flush=True)
    write_outputs(a, groups, abac, log, nets, fmts, kinds, time.time() - t0)


def write_outputs(a, groups, abac, log, nets, fmts, kinds, secs):
    os.makedirs(a.out, exist_ok=True)
    L = ["<!-- generated by bench/ebpcx_study.py; do not edit -->",
         "Ratio = original bits / coded bits (all side information counted); higher is better.", ""]
    rows = [((n, f, k), groups[(n, f, k)]) for f in fmts for k in kinds for n in nets]
    L += ["### Per network x format x kind (whole maps, all images)", "", md_table(rows, MAIN_COLS, ["network", "format", "kind"]), ""]
    tot_rows = [((f, k), merge(groups[(n, f, k)] for n in nets)) for f in fmts for k in kinds]
    tot_rows.append((("all", "all"), merge(groups.values())))
    L += ["### Totals over the networks", "", md_table(tot_rows, MAIN_COLS, ["format", "kind"]), ""]
    L += ["### Table placement (per layer / per 1 Mi-word chunk / built from the previous chunk) and EBPC kept where it wins", "",
          md_table(rows, CHUNK_COLS, ["network", "format", "kind"]), "",
          md_table(tot_rows, CHUNK_COLS, ["format", "kind"]), ""]
    L += ["### Ideal lines (no model cost; not coders)", "", md_table(rows, IDEAL_COLS, ["network", "format", "kind"]), "",
          md_table(tot_rows, IDEAL_COLS, ["format", "kind"]), ""]
    if abac:
        cols = ["EBPC", "zstd-1", "zstd-19", "H0", "ZR+ch", "C-L3A3P3+ch", "ZR+ch+L3A3", "ABAC (real)"]
        arows = [((n, f, k), abac[(n, f, k)]) for f in fmts for k in kinds for n in nets]
        arows.append((("all", "all", "all"), merge(abac.values())))
        ver = sum(t.get("verified maps", 0) for t in abac.values())
        what = ("all images, whole maps (--full)" if a.full else
                "subsample: first image, each layer's first whole channels, at most %d words" % a.abac_words)
        L += ["### Adaptive binary arithmetic coder (%s)" % what, "",
              "Every 8th map%s was also decoded and compared (%d maps, all equal)." % (
                  " of at most 2^18 words" if a.full else "", ver), "",
              md_table(arows, cols, ["network", "format", "kind"]), "",
              "Context-coded (range-coder) bins per word on the subsample: " + ", ".join(
                  "%s %s %.2f" % (f, k, sum(abac[(n, f, k)]["ABAC context bins"] for n in nets) /
                                  sum(abac[(n, f, k)]["words"] for n in nets)) for f in fmts for k in kinds) + ".", ""]
    L += ["Quantiser check (numpy quantisation == `ebpc eval --dump-quantised`, maps x formats, mismatches): " +
          ", ".join("%s %d/%d" % (n, v[1], v[0]) for n, v in log["quantiser_check"].items()), "",
          "Study run time: %.0f s." % secs, ""]
    open(os.path.join(a.out, "ebpcx_tables.md"), "w").write("\n".join(L))
    # plot data: totals per format x kind for a few mechanisms
    pcols = ["EBPC", "zstd-1", "zstd-19", "H0", "ZR+ch", "C-L5", "C-L3A3P3+ch", "ZR+ch+L3A3", "ZR+ch+L3A3 or EBPC"]
    with open(os.path.join(a.out, "ebpcx_ablation.tsv"), "w") as f:
        f.write("group\t" + "\t".join('"%s"' % c for c in pcols) + "\n")
        for (fm, k), t in tot_rows:
            f.write("%s/%s\t" % (fm, k[:4]) + "\t".join("%.4f" % ratio(t, c) for c in pcols) + "\n")
    gp = os.path.join(a.out, "ebpcx_ablation.gp")
    open(gp, "w").write(GNUPLOT % {"n": len(pcols)})
    subprocess.run(["gnuplot", "ebpcx_ablation.gp"], cwd=a.out, check=True)
    json.dump({"groups": {"/".join(k): v for k, v in groups.items()},
               "abac": {"/".join(k): v for k, v in abac.items()}, "log": log},
              open(os.path.join(a.work, "ebpcx_study.json"), "w"), indent=1, default=int)
    print("wrote", os.path.join(a.out, "ebpcx_tables.md"))


GNUPLOT = """# generated by bench/ebpcx_study.py: ratio totals over the four networks
set terminal pngcairo size 1400,600 font ",10"
set output 'ebpcx_ablation.png'
set datafile separator '\\t'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set ylabel 'ratio (orig / coded bits)'
set grid ytics
set xtics rotate by -20
set yrange [0:*]
set title 'EBPC-X study, whole maps: totals over face_recognition_net, inception_v3, mobilenet_v2, mobilenet_v2_mid' noenhanced
set key noenhanced
plot for [i=2:%(n)d+1] 'ebpcx_ablation.tsv' using i:xtic(1) title columnhead(i)
"""


if __name__ == "__main__":
    main()
