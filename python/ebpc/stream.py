"""``ebpc.open``: streaming read and write of ``.ebpc`` files, chunk by chunk, with memory
bounded by ``threads`` chunks in flight whatever the file size. The files are the same
bytes ``ebpc.compress`` and ``ebpc compress`` write for the same options.

Written over the container's chunk functions (the extension's StreamHeader) until the
library's streaming container (include/ebpc/stream.hpp) is available.
"""
from __future__ import annotations

import builtins

import numpy as _np

from . import _ebpc, _NUMPY_DTYPES, Error

__all__ = ["open", "Writer", "Reader"]


def open(file, mode: str = "r", *, dtype=None, shape=None, codec: str = "ebpc", width=None, block: int = 8,
         max_zero_run: int = 16, level=None, fortran_order: bool = False,
         chunk_words: int = _ebpc.default_chunk_nwords, threads: int = 1):
    """Opens an ``.ebpc`` file (a path or a binary file object).

    ``"w"``: needs ``dtype`` and ``shape``; ``write(a)`` takes the elements in file order
    (C order, or Fortran order with ``fortran_order=True``) in pieces of any size;
    ``close()`` (or leaving the ``with`` block) checks that all were written.
    ``"r"``: ``header``, ``dtype``, ``shape``; ``read(n=-1)`` returns the next n elements
    (1-d), ``read_array()`` the whole (rest of the) array shaped, iteration yields each
    chunk's elements. Up to ``threads`` chunks are coded at once (0 = all cores)."""
    if mode in ("w", "wb"):
        if dtype is None or shape is None:
            raise Error("ebpc.open(..., 'w') needs dtype and shape")
        return Writer(file, dtype, shape, codec=codec, width=width, block=block, max_zero_run=max_zero_run,
                      level=level, fortran_order=fortran_order, chunk_words=chunk_words, threads=threads)
    if mode in ("r", "rb"):
        return Reader(file, threads=threads)
    raise Error(f"mode must be 'r' or 'w', got {mode!r}")


def _threads(threads):
    return _ebpc.default_threads if threads == 0 else max(1, int(threads))


class _File:
    def __init__(self, file, mode):
        if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
            self._f = builtins.open(file, mode)
            self._owned = True
        else:
            self._f = file
            self._owned = False

    def _close_file(self):
        if self._owned and self._f is not None:
            self._f.close()
        self._f = None

    def __enter__(self):
        return self


class Writer(_File):
    def __init__(self, file, dtype, shape, *, codec, width, block, max_zero_run, level, fortran_order, chunk_words,
                 threads):
        name = str(dtype).replace("torch.", "") if not isinstance(dtype, _np.dtype) else dtype.name
        if name != "bfloat16":
            try:
                name = _np.dtype(dtype).name
            except TypeError:
                raise Error(f"unsupported dtype '{dtype}'") from None
        shape = tuple(int(d) for d in (shape if hasattr(shape, "__len__") else (shape,)))
        self._h = _ebpc.StreamHeader.make(name, list(shape), bool(fortran_order), codec, int(width or 0), int(block),
                                          int(max_zero_run), int(level or 0), int(chunk_words))
        self._info = self._h.info()
        self._np_dtype = _np.dtype(_np.uint16) if name == "bfloat16" else _NUMPY_DTYPES[name]
        self._esize = self._np_dtype.itemsize
        self._threads = _threads(threads)
        super().__init__(file, "wb")
        self._f.write(self._h.serialize())
        self._next_chunk = 0
        self._nchunks = self._h.nchunks()
        self._pending = []  # pieces of the chunks being filled (bytes views)
        self._pending_nbytes = 0
        self._written = 0   # elements accepted
        self._nwords = self._info["nwords"]

    @property
    def header(self) -> dict:
        return dict(self._info)

    def write(self, a):
        if self._f is None:
            raise Error("write to a closed ebpc stream")
        from . import _as_elements, _flat

        arr, name, _, _ = _as_elements(a)
        if arr.dtype != self._np_dtype and not (name == "bfloat16" and self._info["dtype"] == "bfloat16"):
            raise Error(f"write: got {name}, the stream holds {self._info['dtype']}")
        flat = _flat(_np.ascontiguousarray(arr) if arr.ndim > 1 and not arr.flags.c_contiguous else arr)
        n = flat.size
        if self._written + n > self._nwords:
            raise Error(f"write: {self._written + n} elements, the shape holds {self._nwords}")
        self._written += n
        data = flat.view(_np.uint8)
        self._pending.append(data)
        self._pending_nbytes += data.nbytes
        self._flush(final=False)

    def _flush(self, final):
        # Code whole chunks, up to `threads` at a time.
        while self._next_chunk < self._nchunks:
            group, nbytes = [], 0
            for i in range(self._next_chunk, min(self._next_chunk + self._threads, self._nchunks)):
                need = self._h.chunk_nwords_at(i) * self._esize
                if nbytes + need > self._pending_nbytes:
                    break
                group.append(i)
                nbytes += need
            if not group or (len(group) < self._threads and not final
                             and group[-1] + 1 < self._nchunks):
                return
            buf = _np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
            self._f.write(self._h.encode_chunks(buf[:nbytes], self._next_chunk, self._threads))
            rest = buf[nbytes:]
            self._pending = [rest] if rest.size else []
            self._pending_nbytes = rest.size
            self._next_chunk = group[-1] + 1

    def close(self):
        if self._f is None:
            return
        try:
            self._flush(final=True)
            if self._written != self._nwords or self._next_chunk != self._nchunks:
                raise Error(f"ebpc stream closed after {self._written} of {self._nwords} elements")
        finally:
            if self._owned:
                self._f.close()
            self._f = None

    def __exit__(self, exc_type, *rest):
        if exc_type is None:
            self.close()
        else:
            self._close_file()
        return False


class Reader(_File):
    def __init__(self, file, *, threads):
        super().__init__(file, "rb")
        self._threads = _threads(threads)
        head = self._f.read(32)
        if len(head) < 32:
            head += self._f.read(32 - len(head))
        need = _ebpc.StreamHeader.needed_nbytes(head)
        if len(head) >= 32 and need > 32:
            head += self._read_exact(need - 32, "the .ebpc header")
        h = _ebpc.StreamHeader.parse(head)
        if h is None:
            raise Error("truncated .ebpc header")
        if h._nbytes != len(head):
            raise Error("bad .ebpc header: corrupt input")
        self._h = h
        self._info = h.info()
        name = self._info["dtype"]
        self._np_dtype = _np.dtype(_np.uint16) if name == "bfloat16" else _NUMPY_DTYPES[name]
        self._next_chunk = 0
        self._nchunks = h.nchunks()
        self._buf = _np.zeros(0, self._np_dtype)  # decoded, not yet returned
        self._done = 0  # elements returned

    @property
    def header(self) -> dict:
        return dict(self._info)

    @property
    def dtype(self):
        return self._info["dtype"] if self._info["dtype"] == "bfloat16" else self._np_dtype

    @property
    def shape(self):
        return tuple(self._info["shape"])

    def _read_exact(self, n, what):
        b = self._f.read(n)
        while len(b) < n:
            more = self._f.read(n - len(b))
            if not more:
                raise Error(f"truncated input (ends inside {what})")
            b += more
        return b

    def _decode_group(self):
        chunks, first, nwords = [], self._next_chunk, 0
        for i in range(first, min(first + self._threads, self._nchunks)):
            ch = self._read_exact(16, "a chunk header")
            n = self._h.payload_nbytes(ch, i)
            chunks.append(ch + self._read_exact(n, "a chunk"))
            nwords += self._h.chunk_nwords_at(i)
        out = _np.empty(nwords, self._np_dtype)
        self._h.decode_chunks(chunks, first, out.view(_np.uint8), self._threads)
        self._next_chunk = first + len(chunks)
        if self._next_chunk == self._nchunks and self._f.read(1):
            raise Error("trailing data after the last chunk")
        return out

    def read(self, n: int = -1):
        """The next n elements (all the rest for n < 0) as a 1-d array; fewer at the end."""
        if self._f is None:
            raise Error("read from a closed ebpc stream")
        want = self._info["nwords"] - self._done if n < 0 else int(n)
        parts, have = [], 0
        while have < want:
            if self._buf.size == 0:
                if self._next_chunk >= self._nchunks:
                    break
                self._buf = self._decode_group()
            take = self._buf[: want - have]
            self._buf = self._buf[take.size:]
            parts.append(take)
            have += take.size
        self._done += have
        if not parts:
            out = _np.zeros(0, self._np_dtype)
        else:
            out = _np.concatenate(parts) if len(parts) > 1 else parts[0]
        return self._wrap(out)

    def read_array(self):
        """The whole array, shaped (call before any read())."""
        if self._done != 0:
            raise Error("read_array: elements were already read")
        flat = self.read()
        if isinstance(flat, _np.ndarray):
            return flat.reshape(self.shape, order="F" if self._info["fortran_order"] else "C")
        return flat.reshape(self.shape)

    def _wrap(self, a):
        if self._info["dtype"] == "bfloat16":
            import torch

            return torch.from_numpy(a.view(_np.int16)).view(torch.bfloat16)
        return a

    def __iter__(self):
        while self._buf.size or self._next_chunk < self._nchunks:
            piece = self.read(self._h.chunk_nwords_at(min(self._next_chunk, self._nchunks - 1)))
            if len(piece) == 0:
                return
            yield piece

    def close(self):
        self._close_file()

    def __exit__(self, *exc):
        self.close()
        return False
