"""The EBPC hardware's raw streams and its cycle-accurate model (src/hw, docs/hardware.md).

Streams are bytes holding each W-bit word as ceil(W/8) big-endian bytes: the files
``ebpc hw encode`` writes and ``ebpc hw decode`` reads.
"""
from __future__ import annotations

import numpy as _np

from . import _ebpc, _as_elements, _flat, _int, _NUMPY_DTYPES, _U32, Error

__all__ = ["encode", "decode", "sim"]


def _u8(arr):
    return _flat(arr).view(_np.uint8) if arr.size else _np.zeros(0, _np.uint8)


def encode(a, width: int, block: int = 8, *, max_zero_run: int = 16):
    """(znz_bytes, bpc_bytes): the two streams of ``a``'s W-bit words in C order."""
    arr, name, _, _ = _as_elements(a)
    return _ebpc.hw_encode(_u8(arr), name, _int("width", width, 2, 32), _int("block", block, 0, _U32),
                           _int("max_zero_run", max_zero_run, 0, _U32))


def decode(znz, bpc, count: int, width: int, block: int = 8, *, max_zero_run: int = 16, dtype="int8"):
    """The ``count`` words of the two streams as a 1-d array of ``dtype`` (signed types
    sign-extend W-bit words)."""
    dt = _np.dtype(dtype)
    if dt.name not in _NUMPY_DTYPES:
        raise Error(f"unsupported dtype '{dt}'")
    count = _int("count", count, 1, 1 << 24)
    if count <= 0 or count > (1 << 24):
        raise Error("count: the hardware carries 1..2^24 words")
    out = _np.empty(count, dtype=dt)
    _ebpc.hw_decode(bytes(znz), bytes(bpc), count, dt.name, _int("width", width, 2, 32), _int("block", block, 0, _U32),
                    _int("max_zero_run", max_zero_run, 0, _U32), out.view(_np.uint8))
    return out


def sim(a, width: int = 8, block: int = 8, *, out_ready: float = 1.0, in_bubble: float = 0.0, seed: int = 1,
        fix_last_bpc_hang: bool = False) -> dict:
    """The cycle model on ``a`` (one transmission of at most 2^24 words): the object
    ``ebpc hw sim --json`` prints per file (words, nonzero_words, lanes, encoder, decoder; the
    published design has one lane: lanes == {"count": 1, "words": [N]})."""
    if not hasattr(_ebpc, "hw_sim"):
        raise Error("this build has no hardware model (EBPC_WITH_HW=OFF)")
    arr, name, _, _ = _as_elements(a)
    return _ebpc.hw_sim(_u8(arr), name, _int("width", width, 2, 32), _int("block", block, 0, _U32),
                        float(out_ready), float(in_bubble), _int("seed", seed, 0, (1 << 64) - 2),
                        bool(fix_last_bpc_hang))
