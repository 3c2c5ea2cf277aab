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


# Every argument of compress / decompress / header / measure / the stream
# classes / the numcodecs codec, given a bad value or a value of the wrong type.
BUF = None


def _buf():
    global BUF
    if BUF is None:
        BUF = ebpc.compress(A)
    return BUF


def _writer(**kwargs):
    return ebpc.open(io.BytesIO(), "w", dtype="uint8", shape=A.shape, **kwargs)


@pytest.mark.parametrize("kwargs", [dict(threads=-1), dict(width=0), dict(width=-3), dict(block=3), dict(block=0),
                                    dict(level="x"), dict(chunk_nwords=0), dict(chunk_nwords=-1),
                                    dict(chunk_nwords="8"), dict(chunk_words=0), dict(chunk_words=16, chunk_nwords=8),
                                    dict(threads=1.5), dict(threads="2"), dict(threads=None), dict(width="8"),
                                    dict(block=None), dict(max_zero_run=3), dict(max_zero_run=0), dict(level=1.0),
                                    dict(codec=1), dict(codec="bad"), dict(codec=""), dict(width=True)])
def test_compress_writer_and_codec_arguments(kwargs):
    _one_line_error(lambda: ebpc.compress(A, **kwargs))
    _one_line_error(lambda: _writer(**kwargs))
    from ebpc.numcodecs import EBPC

    nc = {k: v for k, v in kwargs.items() if not k.startswith("chunk")}
    if nc:
        _one_line_error(lambda: EBPC(**nc).encode(A))


def test_chunk_nwords_is_the_chunk_size():
    assert ebpc.header(ebpc.compress(A, chunk_nwords=16))["chunk_nwords"] == 16
    assert ebpc.compress(A, chunk_nwords=16) == ebpc.compress(A, chunk_words=16)
    f = io.BytesIO()
    with ebpc.open(f, "w", dtype="uint8", shape=A.shape, chunk_nwords=16) as w:
        w.write(A)
    assert f.getvalue() == ebpc.compress(A, chunk_nwords=16, threads=1)


@pytest.mark.parametrize("a", [None, "abc", object(), [1, 2, 3], {"a": 1}, 3.5, np.array([None])])
def test_compress_wrong_input(a):
    _one_line_error(lambda: ebpc.compress(a))


@pytest.mark.parametrize("buf", ["abc", 5, 1.5, object(), [1, 2], b"", b"junk", np.zeros(4, np.float32)])
def test_decompress_and_header_wrong_input(buf):
    _one_line_error(lambda: ebpc.decompress(buf))
    _one_line_error(lambda: ebpc.header(buf))
    from ebpc.numcodecs import EBPC

    _one_line_error(lambda: EBPC().decode(buf))


@pytest.mark.parametrize("kwargs", [dict(threads=-1), dict(threads="x"), dict(threads=2.0),
                                    dict(max_output_nbytes=-1), dict(max_output_nbytes="x"),
                                    dict(max_output_nbytes=1.5), dict(out=[0] * 64), dict(out=np.zeros(64, np.int8)),
                                    dict(out=np.zeros(63, np.uint8)), dict(out=np.zeros(128, np.uint8)[::2]),
                                    dict(max_output_nbytes=10)])
def test_decompress_arguments(kwargs):
    _one_line_error(lambda: ebpc.decompress(_buf(), **kwargs))


@pytest.mark.parametrize("args,kwargs", [((5,), {}), (([1],), {}), (([],), {}), (("nope",), {}),
                                         ((["ebpc"],), dict(width=0)), ((["ebpc"],), dict(block=3)),
                                         ((["ebpc"],), dict(max_zero_run="x"))])
def test_measure_arguments(args, kwargs):
    _one_line_error(lambda: ebpc.measure(A, *args, **kwargs))


@pytest.mark.parametrize("call", [
    lambda: ebpc.open(io.BytesIO(), "x"), lambda: ebpc.open(io.BytesIO(), 1), lambda: ebpc.open(None),
    lambda: ebpc.open(5), lambda: ebpc.open(object(), "w", dtype="uint8", shape=(3,)),
    lambda: ebpc.open(io.BytesIO(), "w", dtype="int64", shape=(3,)),
    lambda: ebpc.open(io.BytesIO(), "w", dtype=None, shape=(3,)),
    lambda: ebpc.open(io.BytesIO(), "w", dtype=5, shape=(3,)),
    lambda: ebpc.open(io.BytesIO(), "w", dtype="uint8", shape="x"),
    lambda: ebpc.open(io.BytesIO(), "w", dtype="uint8", shape=(1.5,)),
    lambda: ebpc.open(io.BytesIO(), "w", dtype="uint8", shape=(3,), fortran_order="yes"),
    lambda: ebpc.open(io.BytesIO(_buf()), threads="x"), lambda: ebpc.open(io.BytesIO(_buf()), threads=-1),
    lambda: ebpc.open(io.BytesIO(_buf()), max_output_nbytes="x"),
    lambda: ebpc.open(io.BytesIO(_buf())).read("x"), lambda: ebpc.open(io.BytesIO(_buf())).read(1.5),
    lambda: ebpc.open(io.BytesIO(_buf())).read([1]), lambda: ebpc.open(io.BytesIO(b"junk")).read(),
    lambda: _writer().write("abc"), lambda: _writer().write(None), lambda: _writer().write(np.zeros(3, np.int16)),
    lambda: _writer().write(np.zeros(65, np.uint8)),
])
def test_stream_arguments(call):
    _one_line_error(call)


def test_read_none_and_negative_read_all():
    assert np.array_equal(ebpc.open(io.BytesIO(_buf())).read(None), A)
    assert np.array_equal(ebpc.open(io.BytesIO(_buf())).read(-1), A)
