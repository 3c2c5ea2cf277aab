"""One stream object used from several Python threads: calls are serialised (each write and
each chunk is whole), never a crash, a deadlock or a false error. Each case runs in a
subprocess under a timeout (the watchdog), repeated to catch a race."""
import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import io, os, sys, threading
import numpy as np
import ebpc

CH = 1024
NCH = 24
# chunk i holds the value i everywhere: a chunk lost, doubled or torn shows
a = np.repeat(np.arange(NCH, dtype=np.uint16), CH)

def run_threads(fn, n=2):
    errs = []
    def body():
        try:
            fn()
        except BaseException as e:
            errs.append(e)
    ts = [threading.Thread(target=body) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return errs
"""


def run_py(body, timeout=240):
    p = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], capture_output=True, text=True,
                       timeout=timeout, env=dict(os.environ))
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize("target", ["path", "fileobj"])
def test_two_threads_writing_one_writer(target, tmp_path):
    rc, out = run_py(f"""
        piece = np.full(CH, 7, np.uint16)
        for rep in range(30):
            f = {str(tmp_path / "w.ebpc")!r} if {target!r} == "path" else io.BytesIO()
            w = ebpc.open(f, "w", dtype=np.uint16, shape=(NCH * CH,), chunk_words=CH, threads=2)
            def writer():
                for _ in range(NCH // 2):
                    w.write(piece)
            errs = run_threads(writer)
            assert not errs, errs
            w.close()
            data = open(f, "rb").read() if isinstance(f, str) else f.getvalue()
            assert np.array_equal(ebpc.decompress(data), np.full(NCH * CH, 7, np.uint16))
        print("OK")
    """)
    assert rc == 0 and "OK" in out, out


def test_abandon_while_writing():
    rc, out = run_py("""
        for rep in range(30):
            w = ebpc.open(io.BytesIO(), "w", dtype=np.uint16, shape=(1 << 22,), chunk_words=CH, threads=2)
            started = threading.Event()
            def writer():
                started.set()
                try:
                    for _ in range(1 << 12):
                        w.write(np.ones(CH, np.uint16))
                except ebpc.Error as e:
                    assert "closed" in str(e), str(e)
            t = threading.Thread(target=writer)
            t.start()
            started.wait()
            w.abandon()
            t.join()
            try:
                w.write(np.ones(CH, np.uint16))
            except ebpc.Error as e:
                assert "closed" in str(e)
            else:
                raise AssertionError("write after abandon")
        print("OK")
    """)
    assert rc == 0 and "OK" in out, out


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("target", ["path", "fileobj"])
def test_two_threads_iterating_one_reader(target, threads, tmp_path):
    p = str(tmp_path / "r.ebpc")
    rc, out = run_py(f"""
        with open({p!r}, "wb") as f:
            f.write(ebpc.compress(a, chunk_words=CH))
        for rep in range(30):
            src = {p!r} if {target!r} == "path" else open({p!r}, "rb")
            r = ebpc.open(src, threads={threads})
            got = []
            def reader():
                for c in r:
                    got.append(c.copy())
            errs = run_threads(reader)
            assert not errs, errs
            r.close()
            assert sum(c.size for c in got) == a.size
            firsts = sorted(int(c[0]) for c in got)
            assert firsts == list(range(NCH)), firsts
            for c in got:
                assert (c == c[0]).all()
        print("OK")
    """)
    assert rc == 0 and "OK" in out, out


def test_two_threads_reading_pieces():
    rc, out = run_py("""
        data = ebpc.compress(a, chunk_words=CH)
        for rep in range(30):
            r = ebpc.open(io.BytesIO(data), threads=2)
            got = []
            def reader():
                while True:
                    x = r.read(300)
                    if x.size == 0:
                        return
                    got.append(x)
            errs = run_threads(reader)
            assert not errs, errs
            allv = np.sort(np.concatenate(got))
            assert np.array_equal(allv, a)
        print("OK")
    """)
    assert rc == 0 and "OK" in out, out
