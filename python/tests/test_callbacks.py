"""Callbacks into Python (file objects' read and write, on the caller's thread and on the
reader's own thread): an exception or a wrong return type is ebpc.Error on the caller's
thread, never an abort; BaseExceptions that are not Exceptions pass through unchanged.
Each case runs in a subprocess, so that an abort (SIGABRT) is a failure, not the end of the
test run."""
import io
import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import io, sys
import numpy as np
import ebpc

a = (np.arange(3 * 4096) % 7 == 0).astype(np.uint8)
buf = io.BytesIO()
with ebpc.open(buf, "w", dtype=a.dtype, shape=a.shape, chunk_words=4096) as w:
    w.write(a)
data = buf.getvalue()

class Reads(io.RawIOBase):
    # read() returns ret(chunk) once the header is through.
    def __init__(self, ret):
        self.b = io.BytesIO(data)
        self.ret = ret
        self.calls = 0
    def readable(self):
        return True
    def read(self, n=-1):
        self.calls += 1
        chunk = self.b.read(n)
        return chunk if self.calls == 1 else self.ret(chunk)
"""


def run_py(body, timeout=120):
    """Runs PRELUDE + body in a fresh interpreter; returns (returncode, output)."""
    code = PRELUDE + textwrap.dedent(body)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ))
    return p.returncode, p.stdout + p.stderr


READ_RESULTS = {
    "bytes": "lambda c: bytes(c)",
    "bytearray": "lambda c: bytearray(c)",
    "memoryview": "lambda c: memoryview(bytearray(c))",
}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("kind", sorted(READ_RESULTS))
def test_read_returning_bytes_like(kind, threads):
    rc, out = run_py(f"""
        r = ebpc.open(Reads({READ_RESULTS[kind]}), threads={threads})
        assert np.array_equal(r.read_array(), a)
        print("OK")
    """)
    assert rc == 0 and "OK" in out, out


BAD_READS = {
    "none": ("lambda c: None", "None"),
    "int": ("lambda c: 7", "int"),
    "str": ("lambda c: 'abc'", "str"),
    "raises": ("lambda c: (_ for _ in ()).throw(OSError('disk on fire'))", "disk on fire"),
}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("kind", sorted(BAD_READS))
def test_bad_read_is_ebpc_error(kind, threads):
    ret, text = BAD_READS[kind]
    rc, out = run_py(f"""
        try:
            r = ebpc.open(Reads({ret}), threads={threads})
            r.read_array()
        except ebpc.Error as e:
            assert {text!r} in str(e), str(e)
            print("OK", e)
        else:
            print("no error")
    """)
    assert rc == 0 and "OK" in out, out


def test_read_raising_keyboard_interrupt_passes_through():
    rc, out = run_py("""
        def ki(c):
            raise KeyboardInterrupt
        for threads in (1, 2):
            try:
                ebpc.open(Reads(ki), threads=threads).read_array()
            except ValueError:
                print("swallowed as ValueError")
            except KeyboardInterrupt:
                print("OK")
    """)
    assert rc == 0 and out.count("OK") == 2, out


class _Sink(io.RawIOBase):
    def __init__(self, fn):
        self.out = bytearray()
        self.fn = fn

    def writable(self):
        return True

    def write(self, b):
        return self.fn(self, b)


def _stream(a, f):
    import numpy as np

    import ebpc

    with ebpc.open(f, "w", dtype=a.dtype, shape=a.shape, chunk_words=4096) as w:
        w.write(a)
    return np


def test_write_returning_none_or_short_counts():
    import numpy as np

    import ebpc

    a = (np.arange(3 * 4096) % 7 == 0).astype(np.uint8)
    want = ebpc.compress(a, chunk_words=4096)

    def all_none(s, b):
        s.out += bytes(b)
        return None

    def two_at_a_time(s, b):
        s.out += bytes(b[:2])
        return min(2, len(b))

    for fn in (all_none, two_at_a_time):
        s = _Sink(fn)
        _stream(a, s)
        assert bytes(s.out) == want, fn.__name__


@pytest.mark.parametrize("ret", ["0", "-1", "'x'", "10**9", "2**70"])
def test_write_returning_a_bad_count_is_ebpc_error(ret):
    rc, out = run_py(f"""
        class S(io.RawIOBase):
            def writable(self):
                return True
            def write(self, b):
                return {ret}
        try:
            with ebpc.open(S(), "w", dtype=a.dtype, shape=a.shape, chunk_words=4096) as w:
                w.write(a)
        except ebpc.Error as e:
            assert "write failed" in str(e), str(e)
            print("OK", e)
    """)
    assert rc == 0 and "OK" in out, out


def test_write_raising_is_ebpc_error_chained_and_keyboard_interrupt_passes():
    rc, out = run_py("""
        class S(io.RawIOBase):
            def __init__(self, exc):
                self.exc = exc
            def writable(self):
                return True
            def write(self, b):
                raise self.exc
        try:
            with ebpc.open(S(OSError("no space")), "w", dtype=a.dtype, shape=a.shape) as w:
                w.write(a)
        except ebpc.Error as e:
            assert "no space" in str(e) and isinstance(e.__cause__, OSError), repr(e)
            print("OK1")
        for exc in (KeyboardInterrupt(), SystemExit(3)):
            try:
                with ebpc.open(S(exc), "w", dtype=a.dtype, shape=a.shape) as w:
                    w.write(a)
            except ValueError:
                print("swallowed")
            except BaseException as e:
                assert e is exc
                print("OK2")
    """)
    assert rc == 0 and "OK1" in out and out.count("OK2") == 2, out
