import importlib.metadata as md
import os

import numpy as np
import pytest

numcodecs = pytest.importorskip("numcodecs")
zarr = pytest.importorskip("zarr")

import ebpc
from ebpc.numcodecs import EBPC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_config_round_trip():
    c = EBPC(codec="ebpc", width=12, block=16, max_zero_run=32)
    cfg = c.get_config()
    assert cfg["id"] == "ebpc"
    d = numcodecs.get_codec(dict(cfg))
    assert isinstance(d, EBPC) and d.get_config() == cfg
    assert EBPC.from_config({k: v for k, v in cfg.items() if k != "id"}).get_config() == cfg


def test_encode_is_a_container():
    a = np.maximum(np.random.default_rng(0).integers(-50, 50, (16, 16)), 0).astype(np.int16)
    enc = EBPC(width=12).encode(a)
    assert np.array_equal(ebpc.decompress(enc), a)
    out = np.empty(a.size, np.int16)
    EBPC().decode(enc, out=out)
    assert np.array_equal(out, a.ravel())


def test_entry_point_declared():
    # Installed (pip): importlib.metadata sees it. In the build tree: pyproject declares it.
    eps = [e for e in md.entry_points().select(group="numcodecs.codecs") if e.name == "ebpc"]
    if os.environ.get("EBPC_EXPECT_INSTALLED"):
        assert eps, "pip install did not register the numcodecs.codecs entry point"
    if eps:
        assert eps[0].value == "ebpc.numcodecs:EBPC"
        assert eps[0].load() is EBPC
    else:
        text = open(os.path.join(ROOT, "pyproject.toml")).read()
        assert '[project.entry-points."numcodecs.codecs"]' in text and 'ebpc = "ebpc.numcodecs:EBPC"' in text


@pytest.mark.parametrize("dtype", ["int8", "uint16", "float16", "float32"])
def test_zarr_round_trip(tmp_path, dtype):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(40, 37, 9)).astype(dtype) if dtype.startswith("f") else rng.integers(0, 100, (40, 37, 9)).astype(dtype)
    a[a < a.mean()] = 0
    z = zarr.open(str(tmp_path / "z.zarr"), mode="w", shape=a.shape, chunks=(16, 16, 9), dtype=dtype,
                  compressor=EBPC())
    z[:] = a
    r = zarr.open(str(tmp_path / "z.zarr"), mode="r")
    assert r.compressor.get_config()["id"] == "ebpc"
    assert np.array_equal(r[:], a)
    # Each stored chunk is an .ebpc container.
    chunk = (tmp_path / "z.zarr" / "0.0.0").read_bytes()
    assert ebpc.header(chunk)["shape"] == [16, 16, 9]


def _nan_payloads():
    bits = np.array([0x7FF8000000000001, 0xFFF0000000000123, 0x7FF4DEADBEEF0000, 0x8000000000000000, 0,
                     0x7FF0000000000000], np.uint64)
    return np.concatenate([bits.view(np.float64), [-0.0, 1.5, -2.25e300, 5e-324]])


def _any_dtype_cases():
    rng = np.random.default_rng(7)
    i64 = rng.integers(-2**63, 2**63 - 1, (5, 7), dtype=np.int64, endpoint=True)
    i64[i64 % 3 == 0] = 0
    cases = {
        "int64": i64,
        "uint64": np.array([0, 1, 2**64 - 1, 2**63, 12345], np.uint64),
        "float64": _nan_payloads(),
        "bool": rng.random((6, 5)) < 0.3,
        "complex64": (rng.normal(size=8) + 1j * rng.normal(size=8)).astype(np.complex64),
        "complex128": np.array([complex(np.nan, -0.0), 1 + 2j, complex(-0.0, np.inf)], np.complex128),
        "datetime64": np.array(["2024-02-29T12:00", "NaT", "1970-01-01"], "datetime64[ns]"),
        "timedelta64": np.array([1, -5, np.iinfo(np.int64).min], "timedelta64[s]"),
        "structured": np.array([(1, 2.5, b"ab"), (-3, np.nan, b"")], [("i", "<i4"), ("f", "<f8"), ("s", "S3")]),
        "void": np.frombuffer(bytes(range(24)), "V6"),
        "bytes_S": np.array([b"hello", b"", b"x\x00y"]),
        "unicode": np.array(["ebpc", "Bit-Plane", "\u00e9\u4e2d"]),
        "longdouble": np.array([1.0, -0.0, np.nan], np.longdouble),
        "big_endian_int": np.arange(-5, 5, dtype=">i4"),
        "big_endian_float": _nan_payloads().astype(">f8"),
        "int16": np.arange(-100, 100, 7, dtype=np.int16),
        "float16": np.array([np.nan, -0.0, 1.0, 65504], np.float16),
        "non_contiguous": np.arange(60.0).reshape(6, 10)[::2, 1::3],
        "non_contiguous_int8": np.arange(60, dtype=np.int8).reshape(6, 10)[:, ::2],
        "fortran": np.asfortranarray(i64[:4, :6]),
        "fortran_int16": np.asfortranarray(np.arange(24, dtype=np.int16).reshape(4, 6)),
        "zero_d": np.array(-0.0),
        "zero_d_int64": np.array(2**62 + 3, np.int64),
        "empty": np.zeros(0, np.float64),
        "empty_2d_bool": np.zeros((0, 3), bool),
    }
    return cases


ANY = _any_dtype_cases()


def _bytes_in_memory_order(a):
    return (a if a.flags.c_contiguous or a.flags.f_contiguous else np.ascontiguousarray(a)).tobytes(order="A")


@pytest.mark.parametrize("name", list(ANY))
def test_any_dtype_round_trips_bit_exactly(name):
    a = ANY[name]
    enc = EBPC().encode(a)
    ebpc.header(enc)  # a container
    dec = EBPC().decode(enc)
    r = numcodecs.compat.ensure_ndarray(dec).view(a.dtype)
    assert r.tobytes(order="A") == _bytes_in_memory_order(a) and r.size == a.size
    out = np.empty_like(a, order="F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C")
    EBPC().decode(enc, out=out)
    assert out.tobytes() == np.ascontiguousarray(a).tobytes() or out.tobytes(order="A") == _bytes_in_memory_order(a)
    assert EBPC(codec="zstd").decode(EBPC(codec="zstd").encode(a)).tobytes(order="A") == _bytes_in_memory_order(a)


@pytest.mark.parametrize("name", list(ANY))
def test_any_dtype_through_zarr(tmp_path, name):
    a = ANY[name]
    chunks = tuple(max(1, (n + 1) // 2) for n in a.shape)  # several chunks, edge chunks included
    z = zarr.open(str(tmp_path / "z.zarr"), mode="w", shape=a.shape, chunks=chunks or None, dtype=a.dtype,
                  order="F" if a.flags.f_contiguous and a.ndim > 1 else "C", compressor=EBPC(), fill_value=None)
    z[...] = a
    r = zarr.open(str(tmp_path / "z.zarr"), mode="r")[...]
    assert r.dtype == a.dtype and r.shape == a.shape
    assert np.ascontiguousarray(r).tobytes() == np.ascontiguousarray(a).tobytes()


@pytest.mark.parametrize("buf", [b"\x00\x01\x02hello", bytearray(b"abc\x00"), memoryview(b"xyz"),
                                 memoryview(np.arange(6, dtype=np.int64)), memoryview(np.arange(12.0)[::3]), b""])
def test_bytes_like_buffers(buf):
    want = bytes(memoryview(buf).cast("B")) if memoryview(buf).contiguous else np.asarray(buf).tobytes()
    assert np.asarray(EBPC().decode(EBPC().encode(buf))).tobytes() == want


def test_words_layout_is_documented():
    # int64 -> uint32 pairs, low half first on this (little-endian) host; shape gains an axis
    a = np.array([[1, -1], [2**32 + 5, 0]], np.int64)
    enc = EBPC().encode(a)
    h = ebpc.header(enc)
    assert h["dtype"] == "uint32" and h["shape"] == [2, 2, 2]
    w = ebpc.decompress(enc)
    assert w[1, 0].tolist() == [5, 1] and w[0, 1].tolist() == [0xFFFFFFFF, 0xFFFFFFFF]
    assert ebpc.header(EBPC().encode(np.zeros(3, np.complex64)))["dtype"] == "float32"
    assert ebpc.header(EBPC().encode(np.zeros(3, bool)))["dtype"] == "uint8"


def test_what_cannot_be_encoded():
    with pytest.raises(ebpc.Error, match="object"):
        EBPC().encode(np.array(["a", None], dtype=object))
    with pytest.raises(ebpc.Error, match="width"):
        EBPC(width=12).encode(np.arange(4, dtype=np.int64))
    assert EBPC(width=32).decode(EBPC(width=32).encode(np.arange(4, dtype=np.int64))).view(np.int64).ravel().tolist() \
        == [0, 1, 2, 3]


@pytest.mark.parametrize("a", [np.arange(10), np.zeros(3, bool), np.zeros(2, np.complex128),
                               np.zeros(2, "datetime64[s]"), np.zeros(2, [("a", "<i4")]), np.arange(3, dtype=">i2")])
def test_compress_names_the_dtype(a):
    with pytest.raises(ebpc.Error) as e:
        ebpc.compress(a)
    msg = str(e.value)
    assert str(a.dtype) in msg and "numcodecs" in msg and "\n" not in msg
