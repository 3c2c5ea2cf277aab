"""A numcodecs codec (zarr): ``ebpc.numcodecs.EBPC(codec="ebpc", width=None, block=8,
max_zero_run=16, level=None)``. Each chunk becomes one ``.ebpc`` container, so a zarr
chunk can also be read with ``ebpc decompress``. Registered under the id ``"ebpc"``
through the ``numcodecs.codecs`` entry point (and on import of this module).
"""
from __future__ import annotations

import numpy as _np
from numcodecs.abc import Codec
from numcodecs.compat import ensure_contiguous_ndarray, ndarray_copy
from numcodecs.registry import register_codec

import ebpc as _ebpc

__all__ = ["EBPC"]


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
        arr = ensure_contiguous_ndarray(buf, flatten=False)
        return _ebpc.compress(arr, self.codec, width=self.width, block=self.block, max_zero_run=self.max_zero_run,
                              level=self.level, threads=self.threads)

    def decode(self, buf, out=None):
        buf = ensure_contiguous_ndarray(buf)
        dec = _ebpc.decompress(buf, threads=self.threads, max_output_nbytes=self.max_output_nbytes)
        if out is not None:
            return ndarray_copy(dec, out)
        return dec

    def get_config(self):
        return {"id": self.codec_id, "codec": self.codec, "width": self.width, "block": self.block,
                "max_zero_run": self.max_zero_run, "level": self.level, "threads": self.threads}

    def __repr__(self):
        return (f"EBPC(codec={self.codec!r}, width={self.width!r}, block={self.block!r}, "
                f"max_zero_run={self.max_zero_run!r}, level={self.level!r})")


register_codec(EBPC)
