"""A numcodecs codec (zarr): ``ebpc.numcodecs.EBPC(codec="ebpc", width=None, block=8,
max_zero_run=16, level=None)``. Each chunk becomes one ``.ebpc`` container, so a zarr
chunk can also be read with ``ebpc decompress``. Registered under the id ``"ebpc"``
through the ``numcodecs.codecs`` entry point (and on import of this module).

Like numcodecs' own codecs, ``encode`` takes any buffer, and ``decode`` returns an array
holding exactly the bytes encoded, which ``ensure_ndarray(...).view(dtype)`` (what zarr
does) turns back into the original values. The dtypes ebpc codes natively (``ebpc.DTYPES``)
are coded as themselves; the others as words of a width ebpc codes, in memory order, the
container's shape being the array's with one more axis of ``k`` words per element (first
axis for a Fortran-ordered array):

- bool: uint8 (``k`` = 1, same shape);
- complex64: float32 pairs (real, imaginary);
- other native-order types of 4, 8, 16... bytes (int64, uint64, float64, complex128,
  datetime64, timedelta64, longdouble, unicode): uint32 words, least significant half first
  on a little-endian host (the bytes as they lie in memory);
- everything else (big-endian, structured/void, bytes strings): uint8 bytes.

A Fortran-ordered container decodes to one axis in memory order (a multi-axis Fortran array
cannot be viewed as another element size). Raw words are bit patterns: ``width`` is then None or the word's width (else
:class:`ebpc.Error`). Non-contiguous arrays are copied first; object arrays raise
:class:`ebpc.Error` (put an object codec such as ``numcodecs.VLenUTF8`` before this one).
"""
from __future__ import annotations

import numpy as _np
from numcodecs.abc import Codec
from numcodecs.compat import ensure_contiguous_ndarray, ensure_ndarray_like, ndarray_copy
from numcodecs.registry import register_codec

import ebpc as _ebpc

__all__ = ["EBPC"]


def _words(arr, word):
    """arr's memory as elements of dtype word, k per element: shape + (k,) for a C-ordered
    array, (k,) + shape (Fortran order) for a Fortran-ordered one; no copy."""
    k = arr.dtype.itemsize // word.itemsize
    if k == 1:
        return arr.view(word)
    if not arr.flags.c_contiguous:  # Fortran: its transpose is C-ordered
        return _words(arr.T, word).T
    return arr.reshape(-1).view(word).reshape(arr.shape + (k,))


def _codable(buf, width):
    """buf as an array of a dtype ebpc codes natively, holding buf's bytes (module docstring)."""
    if _ebpc._is_torch_tensor(buf):
        return buf  # ebpc.compress takes tensors as they are
    if isinstance(buf, (bytes, bytearray)):
        return _np.frombuffer(buf, _np.uint8)
    try:
        arr = ensure_ndarray_like(buf)
    except (TypeError, ValueError) as e:
        raise _ebpc.Error(f"cannot encode {type(buf).__name__}: {e}") from None
    dt = arr.dtype
    if dt.hasobject:
        raise _ebpc.Error(f"cannot encode an array of dtype {dt} (Python objects): put an object codec "
                          "such as numcodecs.VLenUTF8 or numcodecs.Pickle before ebpc")
    if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = _np.ascontiguousarray(arr)
    native = dt.isnative or dt.byteorder == "|"
    if dt.kind != "V" and native and dt.name in _ebpc._NUMPY_DTYPES:
        return arr
    if dt.kind == "b":
        return arr.view(_np.uint8)
    if dt.kind == "c" and dt.itemsize == 8 and native:
        return _words(arr, _np.dtype(_np.float32))
    word = _np.dtype(_np.uint32) if native and dt.kind in "iufcmMU" and dt.itemsize % 4 == 0 else _np.dtype(_np.uint8)
    if width is not None and width != word.itemsize * 8:
        raise _ebpc.Error(f"width {width!r}: {dt} data is coded as {word.itemsize * 8}-bit {word.name} words "
                          f"(bit patterns), so width must be None or {word.itemsize * 8}")
    return _words(arr, word)


class EBPC(Codec):
    codec_id = "ebpc"

    def __init__(self, codec: str = "ebpc", width=None, block: int = 8, max_zero_run: int = 16, level=None,
                 threads: int = 1, max_output_nbytes=_ebpc.DEFAULT_MAX_OUTPUT_NBYTES):
        self.codec = codec
        self.width = width
        self.block = block
        self.max_zero_run = max_zero_run
        self.level = level
        self.threads = threads  # not part of the data's config, but kept so from_config round-trips
        # decode's memory budget (ebpc.decompress): not part of the config either
        self.max_output_nbytes = max_output_nbytes

    def encode(self, buf):
        arr = _codable(buf, self.width)
        return _ebpc.compress(arr, self.codec, width=self.width, block=self.block, max_zero_run=self.max_zero_run,
                              level=self.level, threads=self.threads)

    def decode(self, buf, out=None):
        try:
            buf = ensure_contiguous_ndarray(buf)
        except (TypeError, ValueError):
            raise _ebpc.Error(f"expected the bytes of an .ebpc container, got {type(buf).__name__}") from None
        dec = _ebpc.decompress(buf, threads=self.threads, max_output_nbytes=self.max_output_nbytes)
        if out is not None:
            return ndarray_copy(dec, out)
        if not dec.flags.c_contiguous:
            # Fortran order: the memory as one axis, so that .view(dtype) (zarr) can regroup
            # the words of any element size
            dec = dec.reshape(-1, order="A")
        return dec

    def get_config(self):
        return {"id": self.codec_id, "codec": self.codec, "width": self.width, "block": self.block,
                "max_zero_run": self.max_zero_run, "level": self.level, "threads": self.threads}

    def __repr__(self):
        return (f"EBPC(codec={self.codec!r}, width={self.width!r}, block={self.block!r}, "
                f"max_zero_run={self.max_zero_run!r}, level={self.level!r})")


register_codec(EBPC)
