"""ebpc: Extended Bit-Plane Compression (Cavigelli, Rutishauser, Benini, JETCAS 2019).

numpy API over the C++ library: ``compress`` / ``decompress`` (the ``.ebpc`` container,
byte-identical to the ``ebpc compress`` CLI), ``measure`` (``ebpc measure --json``),
``hw`` (the hardware's raw streams and its cycle model), ``numcodecs.EBPC`` (zarr).
``ebpc.torch`` (PyTorch: tensors, compressed saved tensors, the profiler) is imported
only when used. Every error raises :class:`ebpc.Error`, a ``ValueError``.
"""
from __future__ import annotations

import importlib
import sys as _sys

import numpy as _np

from . import _ebpc
from ._ebpc import Error

__all__ = ["Error", "compress", "decompress", "header", "measure", "open", "hw", "DEFAULT_CODECS", "DTYPES",
           "DEFAULT_MAX_OUTPUT_NBYTES"]
__version__ = _ebpc.__version__  # the library's version (VERSION in the repository)

# The codecs `ebpc measure` sizes by default (the library's list).
DEFAULT_CODECS = tuple(_ebpc.measure_default_codecs.split(","))
# Element types the container stores; bfloat16 arrives as a torch tensor.
DTYPES = ("int8", "uint8", "int16", "uint16", "float16", "bfloat16", "int32", "uint32", "float32")
_NUMPY_DTYPES = {n: _np.dtype(n) for n in DTYPES if n != "bfloat16"}
# The memory budget of a whole-array decode (bytes of the decoded array), as the CLI's
# --memory 1024: a header cannot make ebpc allocate more unless the caller says so.
DEFAULT_MAX_OUTPUT_NBYTES = 1 << 30


def _budget(max_output_nbytes):
    """The budget in bytes (None: no limit)."""
    if max_output_nbytes is None:
        return (1 << 64) - 1
    if isinstance(max_output_nbytes, bool) or not isinstance(max_output_nbytes, int) or max_output_nbytes < 0:
        raise Error(f"max_output_nbytes must be a byte count >= 0 or None, got {max_output_nbytes!r}")
    return min(int(max_output_nbytes), (1 << 64) - 1)


def _int(name, v, lo, hi):
    """v as an int in lo..hi, else Error with a one-line reason (never a TypeError)."""
    if isinstance(v, bool) or not isinstance(v, (int, _np.integer)):
        raise Error(f"{name} must be an integer, got {v!r}")
    v = int(v)
    if v < lo or v > hi:
        raise Error(f"{name} {v} is out of range ({lo}..{hi})")
    return v


_U32 = (1 << 32) - 1


def _width(width):
    """W bits: None = the dtype's width (0 for the extension); an explicit value is 2..32."""
    return 0 if width is None else _int("width", width, 2, 32)


def _level(level):
    """None = the codec's default (0); a level must fit the header's signed byte (the codec
    checks its own range)."""
    return 0 if level is None else _int("level", level, -128, 127)


def _params(width, block, max_zero_run, level=None):
    return _width(width), _int("block", block, 0, _U32), _int("max_zero_run", max_zero_run, 0, _U32), _level(level)


def _is_torch_tensor(a) -> bool:
    t = _sys.modules.get("torch")  # never imports torch
    return t is not None and isinstance(a, t.Tensor)


def _as_elements(a):
    """(array to hand to C++, dtype name, shape, fortran_order) without copying a
    contiguous input. torch tensors (bfloat16 included) are viewed through numpy."""
    if _is_torch_tensor(a):
        import torch

        if a.layout != torch.strided:
            raise Error(f"{a.layout} tensors are not supported (use .to_dense())")
        t = a.detach()
        if t.device.type != "cpu":
            t = t.cpu()
        if not t.is_contiguous():
            t = t.contiguous()
        name = str(t.dtype).replace("torch.", "")
        if name == "bfloat16":
            arr = t.view(torch.int16).numpy().view(_np.uint16)
        elif name in _NUMPY_DTYPES:
            arr = t.numpy()
        else:
            raise Error(f"unsupported dtype '{name}' (ebpc codes {', '.join(DTYPES)})")
        return arr, name, tuple(arr.shape), False
    if isinstance(a, (bytes, bytearray, memoryview)):
        # raw bytes are uint8 elements, whichever bytes-like type holds them
        arr = _np.frombuffer(a, _np.uint8) if not isinstance(a, memoryview) else _np.asarray(a)
        if arr.dtype == _np.dtype("S1") or arr.dtype.kind == "S":
            arr = arr.view(_np.uint8)
        return arr, arr.dtype.name, tuple(arr.shape), False
    arr = _np.asarray(a)
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and _np.little_endian is False):
        raise Error(f"big-endian dtype '{arr.dtype}' is not supported (ebpc stores little-endian elements): "
                    "a.astype(a.dtype.newbyteorder('<')) converts it; ebpc.numcodecs.EBPC codes its bytes as they are")
    name = arr.dtype.name
    if name not in _NUMPY_DTYPES or arr.dtype.kind == "V":
        raise Error(f"unsupported dtype '{arr.dtype}': ebpc codes {', '.join(DTYPES)}; view other data as one "
                    "of these (a.view(np.uint32) for 64-bit numbers, a.view(np.uint8) for bool or bytes) or use "
                    "ebpc.numcodecs.EBPC, which does so for any dtype")
    fortran = False
    if arr.flags.c_contiguous:
        pass
    elif arr.flags.f_contiguous:
        fortran = True  # memory order as numpy's .npy writes it
    else:
        arr = _np.ascontiguousarray(arr)
    return arr, name, tuple(arr.shape), fortran


def _flat(arr):
    # A 1-d, C-contiguous view of the memory (a Fortran array's memory is contiguous too).
    return arr.reshape(-1, order="A") if arr.ndim != 1 else arr


def _chunk_nwords(chunk_words, chunk_nwords):
    """Words per container chunk: chunk_nwords (the name with its unit, as the C++ API's) or
    the older chunk_words, not both."""
    if chunk_nwords is None:
        return _int("chunk_words", chunk_words, 1, _U32)
    if not (isinstance(chunk_words, int) and not isinstance(chunk_words, bool)
            and chunk_words == _ebpc.default_chunk_nwords):
        raise Error("give chunk_nwords or chunk_words (its older name), not both")
    return _int("chunk_nwords", chunk_nwords, 1, _U32)


def compress(a, codec: str = "ebpc", *, width=None, block: int = 8, max_zero_run: int = 16, level=None,
             threads: int = 0, chunk_words: int = _ebpc.default_chunk_nwords, chunk_nwords=None) -> bytes:
    """A complete ``.ebpc`` container of ``a`` (numpy array, buffer, or torch tensor),
    byte-identical to ``ebpc compress`` with the same options. ``codec``: ebpc, zvc,
    zrle, bpc, zstd[-LEVEL], lz4, deflate[-LEVEL], ebpcx (``level`` overrides the suffix).
    ``width``: W bits (default: the dtype's width; integers must fit). ``threads``: coding
    threads, 0 = all cores; the output is the same for any count. ``chunk_nwords`` (or its
    older name ``chunk_words``): elements per container chunk. The GIL is released
    while coding. Other dtypes (int64, float64, bool, complex, datetime64, structured, ...)
    raise :class:`Error` naming the dtype: ebpc does not guess how to split them into words
    (``a.view(np.uint32)`` does, and ``ebpc.numcodecs.EBPC`` codes any dtype that way)."""
    w, b, z, lv = _params(width, block, max_zero_run, level)
    chunk_words, threads = _chunk_nwords(chunk_words, chunk_nwords), _int("threads", threads, 0, _U32)
    if not isinstance(codec, str):
        raise Error(f"codec must be a name such as 'ebpc', got {codec!r}")
    arr, name, shape, fortran = _as_elements(a)
    return _ebpc.compress(_flat(arr).view(_np.uint8) if arr.size else _np.zeros(0, _np.uint8), name, list(shape),
                          fortran, codec, w, b, z, lv, chunk_words, threads)


def header(buf) -> dict:
    """The container header of ``buf`` as a dict (version, dtype, shape, fortran_order,
    codec, width, block, max_zero_run, lanes, level, nwords, chunk_nwords, nchunks,
    header_nbytes)."""
    return _ebpc.header(_bytes_view(buf))


def _bytes_view(buf):
    if isinstance(buf, (bytes, bytearray, memoryview)):
        return buf
    if buf is None or isinstance(buf, (str, int, float)):
        raise Error(f"expected the bytes of an .ebpc container, got {type(buf).__name__}")
    arr = _np.asarray(buf)
    if arr.dtype == object:
        raise Error(f"expected the bytes of an .ebpc container, got {type(buf).__name__}")
    if not arr.flags.c_contiguous:
        raise Error("compressed buffer must be contiguous")
    return _flat(arr).view(_np.uint8)


def decompress(buf, *, out=None, threads: int = 0, max_output_nbytes=DEFAULT_MAX_OUTPUT_NBYTES):
    """Decodes an ``.ebpc`` container (from ``compress`` or the CLI) into a numpy array of
    the dtype, shape and order it was compressed with. ``out``: a writable array of that
    dtype and shape (and order), filled in place and returned. bfloat16 containers come
    back as a torch tensor (numpy has no bfloat16). Chunks are decoded on ``threads``
    threads (0 = all cores) with the GIL released. Before anything is allocated the input
    is checked to hold every chunk the header claims, and the decoded array to fit
    ``max_output_nbytes`` (default 1 GiB; None: no limit; not applied with ``out``, whose
    memory the caller already has): :class:`Error` otherwise."""
    threads = _int("threads", threads, 0, _U32)
    view = _bytes_view(buf)
    h = _ebpc.check_input(view, _budget(max_output_nbytes) if out is None else (1 << 64) - 1)
    shape = tuple(h["shape"])
    order = "F" if h["fortran_order"] else "C"
    bf16 = h["dtype"] == "bfloat16"
    dt = _np.dtype(_np.uint16) if bf16 else _NUMPY_DTYPES[h["dtype"]]
    if out is None:
        target = _np.empty(shape, dtype=dt, order=order)
        result = target
    else:
        if bf16 and _is_torch_tensor(out):
            import torch

            if out.dtype != torch.bfloat16 or not out.is_contiguous() or out.device.type != "cpu":
                raise Error("out must be a contiguous CPU bfloat16 tensor")
            target = out.view(torch.int16).numpy().view(_np.uint16)
        else:
            target = out
            if not isinstance(target, _np.ndarray):
                raise Error("out must be a numpy array")
        if target.dtype != dt or tuple(target.shape) != shape:
            raise Error(f"out must have dtype {h['dtype']} and shape {shape}, "
                        f"got {target.dtype} {tuple(target.shape)}")
        ok = target.flags.f_contiguous if order == "F" else target.flags.c_contiguous
        if not ok or not target.flags.writeable:
            raise Error(f"out must be a writable {order}-contiguous array")
        result = out
    if target.size:
        _ebpc.decompress_into(view, _flat(target).view(_np.uint8), int(threads))
    else:
        _ebpc.decompress_into(view, _np.zeros(0, _np.uint8), int(threads))
    if bf16 and out is None:
        import torch

        return torch.from_numpy(target.view(_np.int16)).view(torch.bfloat16)
    return result


def measure(a, codecs=None, *, width=None, block: int = 8, max_zero_run: int = 16) -> dict:
    """Exact sizes of ``a`` under each codec, whole array as one stream: codec name ->
    dict with the fields of ``ebpc measure --json`` (values, zero_fraction,
    uncompressed_bits, compressed_bits, compressed_bits_padded, ratio, and for ebpc
    znz_bits, bpc_bits). ``codecs``: names as the CLI takes them (default: the CLI's)."""
    arr, name, shape, fortran = _as_elements(a)
    if isinstance(codecs, str):
        codecs = codecs.split(",")
    try:
        codecs = list(DEFAULT_CODECS if codecs is None else codecs)
    except TypeError:
        raise Error(f"codecs must be a list of names such as ['ebpc', 'zstd'], got {codecs!r}") from None
    if not codecs:
        raise Error("no codec given")
    w, b, z, _ = _params(width, block, max_zero_run)
    if not all(isinstance(c, str) for c in codecs):
        raise Error("codecs must be names such as 'ebpc'")
    rows = _ebpc.measure(_flat(arr).view(_np.uint8) if arr.size else _np.zeros(0, _np.uint8), name, list(shape),
                         fortran, codecs, w, b, z)
    return {r.pop("codec"): r for r in rows}


def open(file, mode: str = "r", **kwargs):
    """Streaming read ("r") or write ("w") of an .ebpc file chunk by chunk: see
    :func:`ebpc.stream.open`."""
    from .stream import open as _open

    return _open(file, mode, **kwargs)


def __getattr__(name):
    # ebpc.torch, ebpc.numcodecs and ebpc.hw load on first use (numpy users never need torch).
    if name in ("torch", "numcodecs", "hw", "stream"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ebpc' has no attribute '{name}'")
