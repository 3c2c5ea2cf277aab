"""``ebpc.open``: streaming read and write of ``.ebpc`` files, chunk by chunk, with memory
bounded by ``threads`` chunks in flight whatever the file size. The files are the same
bytes ``ebpc.compress`` and ``ebpc compress`` write for the same options.

Over the library's streaming container (include/ebpc/stream.hpp: ContainerWriter,
ContainerReader): the same bytes and errors as the CLI, which uses it too.
"""
from __future__ import annotations

import builtins
import os
import threading

import numpy as _np

from . import _ebpc, _budget, _chunk_nwords, _int, _params, _U32, _NUMPY_DTYPES, DEFAULT_MAX_OUTPUT_NBYTES, Error

__all__ = ["open", "Writer", "Reader"]


def open(file, mode: str = "r", *, dtype=None, shape=None, codec: str = "ebpc", width=None, block: int = 8,
         max_zero_run: int = 16, level=None, fortran_order: bool = False,
         chunk_words: int = _ebpc.default_chunk_nwords, threads: int = 1,
         max_output_nbytes=DEFAULT_MAX_OUTPUT_NBYTES, chunk_nwords=None):
    """Opens an ``.ebpc`` file (a path or a binary file object).

    ``"w"``: needs ``dtype`` and ``shape``; ``write(a)`` takes the elements in file order
    (C order, or Fortran order with ``fortran_order=True``) in pieces of any size;
    ``close()`` (or leaving the ``with`` block) checks that all were written.
    ``"r"``: ``header``, ``dtype``, ``shape``; ``read(n=-1)`` returns the next n elements
    (1-d), ``read_array()`` the whole (rest of the) array shaped, iteration yields each
    chunk's elements. Up to ``threads`` chunks are coded at once (0 = all cores).
    ``max_output_nbytes``: the memory budget of ``read_array()`` and ``read()`` of the
    rest (default 1 GiB as :func:`ebpc.decompress`; None: no limit); chunk by chunk
    reading needs only the chunks in flight, whatever the file size."""
    if not isinstance(mode, str):
        raise Error(f"mode must be 'r' or 'w', got {mode!r}")
    if not _path_like(file) and not hasattr(file, "write" if mode.startswith("w") else "read"):
        raise Error(f"file must be a path or a binary file object, got {type(file).__name__}")
    if not isinstance(fortran_order, (bool, _np.bool_)):
        raise Error(f"fortran_order must be True or False, got {fortran_order!r}")
    chunk_words = _chunk_nwords(chunk_words, chunk_nwords)
    if mode in ("w", "wb"):
        if dtype is None or shape is None:
            raise Error("ebpc.open(..., 'w') needs dtype and shape")
        return Writer(file, dtype, shape, codec=codec, width=width, block=block, max_zero_run=max_zero_run,
                      level=level, fortran_order=fortran_order, chunk_words=chunk_words, threads=threads)
    if mode in ("r", "rb"):
        return Reader(file, threads=threads, max_nbytes=max_output_nbytes)
    raise Error(f"mode must be 'r' or 'w', got {mode!r}")


def _threads(threads):
    threads = _int("threads", threads, 0, _U32)
    return _ebpc.default_threads if threads == 0 else threads


def _path_like(file):
    return isinstance(file, (str, bytes)) or hasattr(file, "__fspath__")


class Writer:
    """Streaming writer over the library's ContainerWriter (at most threads + 2 chunks in
    memory). A path is written through its file descriptor; a file object through its
    write()."""

    def __init__(self, file, dtype, shape, *, codec, width, block, max_zero_run, level, fortran_order, chunk_words,
                 threads):
        name = str(dtype).replace("torch.", "")
        if name != "bfloat16":
            try:
                name = _np.dtype(dtype).name
            except TypeError:
                raise Error(f"unsupported dtype '{dtype}'") from None
        shape = tuple(_int("shape", d, 0, (1 << 64) - 1) for d in (shape if hasattr(shape, "__len__") else (shape,)))
        w, b, z, lv = _params(width, block, max_zero_run, level)
        chunk_words = _int("chunk_words", chunk_words, 1, _U32)
        if not isinstance(codec, str):
            raise Error(f"codec must be a name such as 'ebpc', got {codec!r}")
        self._np_dtype = _np.dtype(_np.uint16) if name == "bfloat16" else _NUMPY_DTYPES.get(name)
        if self._np_dtype is None:
            raise Error(f"unsupported dtype '{name}'")
        self._name = name
        # A path is written to a temporary file beside it, renamed over it on a successful
        # close (removed otherwise): an existing file is never truncated or left partial.
        path = os.fsencode(file) if _path_like(file) else b""
        self._w = _ebpc.StreamWriter(None if path else file, path, name, list(shape), bool(fortran_order), codec,
                                     w, b, z, lv, chunk_words, _threads(threads))
        self._lock = threading.Lock()
        self._info = self._w.info()
        self._closed = False

    @property
    def header(self) -> dict:
        return dict(self._info)

    def write(self, a):
        """Appends elements (any number, in file order)."""
        from . import _as_elements, _flat

        arr, name, _, _ = _as_elements(a)
        if name != self._name:
            raise Error(f"write: got {name}, the stream holds {self._name}")
        flat = _flat(arr if arr.ndim <= 1 or arr.flags.c_contiguous else _np.ascontiguousarray(arr))
        if flat.size:
            with self._lock:
                self._w.write(flat.view(_np.uint8))

    def close(self):
        """Codes what is pending, checks that the whole array was written and (for a path)
        renames the temporary file over the target."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._w.finish()

    def abandon(self):
        """Drops what was written (for a path, the temporary file; the target is untouched)."""
        with self._lock:
            self._closed = True
            self._w.abandon()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *rest):
        if exc_type is None:
            self.close()
        else:
            self.abandon()
        return False


class Reader:
    """Streaming reader over the library's ContainerReader (decodes up to threads chunks
    ahead; payload buffers are sized by the bytes that arrive, not by what a header says)."""

    def __init__(self, file, *, threads, max_nbytes=DEFAULT_MAX_OUTPUT_NBYTES):
        self._budget = _budget(max_nbytes)
        self._own = builtins.open(file, "rb", buffering=0) if _path_like(file) else None
        try:
            fd = self._own.fileno() if self._own is not None else -1
            # Chunk by chunk reading needs no budget; the whole-array reads check theirs.
            self._r = _ebpc.StreamReader(file if self._own is None else None, fd, _threads(threads), (1 << 64) - 1)
        except BaseException:
            if self._own is not None:
                self._own.close()
            raise
        self._info = self._r.info()
        name = self._info["dtype"]
        self._np_dtype = _np.dtype(_np.uint16) if name == "bfloat16" else _NUMPY_DTYPES[name]
        self._buf = _np.zeros(0, self._np_dtype)  # decoded, not yet returned
        self._done = 0
        self._ended = False
        self._lock = threading.RLock()  # one call at a time (the C++ reader serialises too)

    @property
    def header(self) -> dict:
        return dict(self._info)

    @property
    def dtype(self):
        return self._info["dtype"] if self._info["dtype"] == "bfloat16" else self._np_dtype

    @property
    def shape(self):
        return tuple(self._info["shape"])

    def _next(self):
        if self._ended:
            return None
        b = self._r.next_chunk()
        if not b:
            self._ended = True
            return None
        return _np.frombuffer(b, self._np_dtype)

    def read(self, n: int = -1):
        """The next n elements (all the rest for n < 0 or None) as a 1-d array; fewer at the end.
        A read that reaches the last element also checks that nothing follows it."""
        with self._lock:
            n = -1 if n is None else _int("n", n, -(1 << 63), (1 << 64) - 1)
            want = self._info["nwords"] - self._done if n < 0 else n
            self._check_budget(min(want, self._info["nwords"] - self._done))
            parts, have = [], 0
            while have < want:
                if self._buf.size == 0:
                    c = self._next()
                    if c is None:
                        break
                    self._buf = c
                take = self._buf[: want - have]
                self._buf = self._buf[take.size:]
                parts.append(take)
                have += take.size
            self._done += have
            if self._done >= self._info["nwords"] and self._buf.size == 0:
                self._next()  # the end: the library checks for trailing data
            if not parts:
                out = _np.zeros(0, self._np_dtype)
            else:
                out = _np.concatenate(parts) if len(parts) > 1 else parts[0].copy()
        return self._wrap(out)

    def read_array(self):
        """The whole array, shaped (call before any read())."""
        with self._lock:
            if self._done != 0:
                raise Error("read_array: elements were already read")
            self._check_budget(self._info["nwords"])
            out = _np.empty(self._info["nwords"], self._np_dtype)
            pos = 0
            u8 = out.view(_np.uint8)
            while True:
                n = self._r.next_chunk_into(u8[pos:]) if pos < u8.size else len(self._r.next_chunk())
                if n == 0:
                    break
                pos += n
            self._ended = True
            self._done = out.size
        out = self._wrap(out)
        if isinstance(out, _np.ndarray):
            return out.reshape(self.shape, order="F" if self._info["fortran_order"] else "C")
        return out.reshape(self.shape)

    def _check_budget(self, nwords):
        """Before allocating nwords elements: within the budget, and (for a path) no more
        chunks than the file can hold (each chunk takes at least 16 bytes)."""
        nbytes = nwords * self._np_dtype.itemsize
        if nbytes > self._budget:
            raise Error(f"the decoded array would take {nbytes} bytes, above the memory budget of {self._budget} "
                        "bytes (max_output_nbytes)")
        if self._own is not None and nwords > 0:
            size = os.fstat(self._own.fileno()).st_size
            nchunks = self._info["nchunks"]
            if size < self._info["header_nbytes"] + 16 * nchunks:
                raise Error(f"truncated input: the header claims {nchunks} chunks (at least 16 bytes each) but the "
                            f"file holds {size} bytes")

    def _wrap(self, a):
        if self._info["dtype"] == "bfloat16":
            import torch

            return torch.from_numpy(a.view(_np.int16)).view(torch.bfloat16)
        return a

    def __iter__(self):
        while True:
            with self._lock:
                if self._buf.size:
                    piece, self._buf = self._buf, self._buf[:0]
                else:
                    piece = self._next()
                    if piece is None:
                        return
                self._done += piece.size
            yield self._wrap(piece)

    def close(self):
        with self._lock:
            self._r.close()
            if self._own is not None:
                self._own.close()
                self._own = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
