"""Argument errors are ebpc.Error (a ValueError) with a one-line reason, never a TypeError
from the binding, and nothing out of range is accepted silently."""
import io

import numpy as np
import pytest

import ebpc

A = np.arange(64, dtype=np.uint8)


def _one_line_error(fn):
    with pytest.raises(ebpc.Error) as e:
        fn()
    assert type(e.value) is ebpc.Error and "\n" not in str(e.value) and str(e.value)
    return str(e.value)


@pytest.mark.parametrize("kwargs", [dict(width=-1), dict(width=0), dict(width=33), dict(block=-8),
                                    dict(chunk_words=2**32), dict(chunk_words=0), dict(level=2**31),
                                    dict(threads=-1), dict(max_zero_run=-1), dict(width=2.5), dict(codec=None),
                                    dict(level=200), dict(codec="zstd", level=200), dict(codec="ebpc", level=3)])
def test_compress_and_open_arguments(kwargs):
    _one_line_error(lambda: ebpc.compress(A, **kwargs))
    _one_line_error(lambda: ebpc.open(io.BytesIO(), "w", dtype="uint8", shape=A.shape, **kwargs))


def test_level_does_not_wrap_into_the_header():
    msg = _one_line_error(lambda: ebpc.compress(A, level=200))
    assert "level" in msg
    assert ebpc.header(ebpc.compress(A, codec="zstd", level=19))["codec"] == "zstd-19"


def test_other_arguments():
    _one_line_error(lambda: ebpc.open(io.BytesIO(), "w", dtype="uint8", shape=(-1,)))
    _one_line_error(lambda: ebpc.header(None))
    _one_line_error(lambda: ebpc.decompress(None))
    _one_line_error(lambda: ebpc.decompress(ebpc.compress(A), threads=-1))
    _one_line_error(lambda: ebpc.measure(A, ["ebpc"], width=-1))
    _one_line_error(lambda: ebpc.measure(A, ["ebpc"], block=-8))
    _one_line_error(lambda: ebpc.open(io.BytesIO(ebpc.compress(A)), threads=-1))
    _one_line_error(lambda: ebpc.hw.encode(A, width=-1))
    _one_line_error(lambda: ebpc.hw.decode(b"", b"", count=-1, width=8))
    if hasattr(ebpc._ebpc, "hw_sim"):
        _one_line_error(lambda: ebpc.hw.sim(A, seed=-1))


def test_sparse_torch_tensor():
    torch = pytest.importorskip("torch")
    t = torch.eye(4).to_sparse()
    msg = _one_line_error(lambda: ebpc.compress(t))
    assert "sparse" in msg


def test_bytes_are_uint8_like_bytearray():
    raw = b"abcd"
    for x in (raw, bytearray(raw), memoryview(raw)):
        buf = ebpc.compress(x)
        assert ebpc.header(buf)["dtype"] == "uint8"
        assert ebpc.decompress(buf).tobytes() == raw
    assert ebpc.compress(raw) == ebpc.compress(bytearray(raw))


def test_read_to_the_last_element_finds_trailing_junk():
    a = np.arange(5000, dtype=np.uint16)
    data = ebpc.compress(a, chunk_words=1000) + b"junk"
    r = ebpc.open(io.BytesIO(data))
    with pytest.raises(ebpc.Error, match="trailing"):
        r.read(a.size)  # ends exactly at the last element
    r = ebpc.open(io.BytesIO(data))
    assert np.array_equal(r.read(4999), a[:4999])
    with pytest.raises(ebpc.Error, match="trailing"):
        r.read(1)
    r = ebpc.open(io.BytesIO(ebpc.compress(a, chunk_words=1000)))
    assert np.array_equal(r.read(a.size), a)
    assert r.read(1).size == 0


@pytest.mark.parametrize("codec", ["zstd", "lz4", "deflate", "zvc", "zrle", "bpc"])
def test_single_stream_codecs_check_the_stream0_field(codec):
    a = np.arange(4096, dtype=np.uint8) % 5
    buf = bytearray(ebpc.compress(a, codec))
    pos = ebpc.header(buf)["header_nbytes"] + 4  # the chunk header's stream0_nbytes
    assert int.from_bytes(buf[pos:pos + 4], "little") == int.from_bytes(buf[pos - 4:pos], "little")
    buf[pos:pos + 4] = (0).to_bytes(4, "little")
    with pytest.raises(ebpc.Error, match="corrupt"):
        ebpc.decompress(bytes(buf))
    with pytest.raises(ebpc.Error, match="corrupt"):
        ebpc.open(io.BytesIO(bytes(buf))).read_array()
