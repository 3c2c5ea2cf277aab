import json
import sys
import threading
import time
import tracemalloc

import numpy as np
import pytest

import ebpc

RNG = np.random.default_rng(12345)
NUMPY_DTYPES = ["int8", "uint8", "int16", "uint16", "float16", "int32", "uint32", "float32"]


def relu_like(shape, dtype, zeros=0.5, rng=RNG):
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind == "f":
        v = rng.normal(size=n).astype(dt)
    else:
        info = np.iinfo(dt)
        v = rng.integers(max(info.min, -1000), min(info.max, 1000), size=n, endpoint=True).astype(dt)
    v[rng.random(n) < zeros] = 0
    return v.reshape(shape)


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
@pytest.mark.parametrize("codec", ["ebpc", "zvc", "zrle", "bpc", "zstd", "lz4", "deflate-9"])
def test_round_trip_dtypes_codecs(dtype, codec):
    a = relu_like((3, 17, 29), dtype)
    b = ebpc.compress(a, codec)
    assert isinstance(b, bytes)
    c = ebpc.decompress(b)
    assert c.dtype == a.dtype and c.shape == a.shape and c.flags.c_contiguous
    assert c.tobytes() == a.tobytes()


@pytest.mark.parametrize("shape", [(), (0,), (5, 0, 3), (1,), (1000003,)])
def test_round_trip_shapes(shape):
    a = relu_like(shape, "int8")
    c = ebpc.decompress(ebpc.compress(a, chunk_words=4096))
    assert c.shape == a.shape and np.array_equal(c, a)


def test_fortran_order_and_non_contiguous():
    a = np.asfortranarray(relu_like((7, 11, 13), "int16"))
    h = ebpc.header(ebpc.compress(a))
    assert h["fortran_order"] is True
    c = ebpc.decompress(ebpc.compress(a))
    assert c.flags.f_contiguous and np.array_equal(c, a)
    s = relu_like((20, 30), "float32")[::2, 1::3]
    assert not s.flags.c_contiguous and not s.flags.f_contiguous
    assert np.array_equal(ebpc.decompress(ebpc.compress(s)), s)


def test_width_and_range_checks():
    a = np.array([0, 5, -8, 7], dtype=np.int8)
    assert np.array_equal(ebpc.decompress(ebpc.compress(a, width=4)), a)
    assert ebpc.header(ebpc.compress(a, width=4))["width"] == 4
    with pytest.raises(ebpc.Error, match="flat index 1 does not fit in 3 bits"):
        ebpc.compress(a, width=3)
    with pytest.raises(ebpc.Error, match="float16 data is coded as 16-bit"):
        ebpc.compress(np.zeros(4, np.float16), width=8)
    with pytest.raises(ebpc.Error, match="wider than int8"):
        ebpc.compress(a, width=12)


def test_threads_and_chunks_give_identical_bytes():
    a = relu_like((1 << 18,), "int16")
    one = ebpc.compress(a, threads=1, chunk_words=10000)
    assert one == ebpc.compress(a, threads=4, chunk_words=10000)
    assert ebpc.header(one)["nchunks"] == 27
    assert np.array_equal(ebpc.decompress(one, threads=3), a)


def test_decompress_into_out():
    a = relu_like((64, 65), "uint16")
    b = ebpc.compress(a)
    out = np.empty_like(a)
    r = ebpc.decompress(b, out=out)
    assert r is out and np.array_equal(out, a)
    with pytest.raises(ebpc.Error, match="dtype uint16 and shape"):
        ebpc.decompress(b, out=np.empty((64, 65), np.int16))
    with pytest.raises(ebpc.Error, match="contiguous"):
        ebpc.decompress(b, out=np.empty((65, 64), np.uint16).T)


def test_buffers_accepted():
    a = relu_like((1000,), "uint8")
    b = ebpc.compress(a)
    assert ebpc.compress(memoryview(a)) == b
    assert ebpc.compress(bytearray(a.tobytes())) == b
    assert np.array_equal(ebpc.decompress(bytearray(b)), a)
    assert np.array_equal(ebpc.decompress(np.frombuffer(b, np.uint8)), a)


def test_no_copy_of_contiguous_input(monkeypatch):
    # The extension reads the buffer in place (buffer protocol); what the Python layer
    # hands it must be the caller's memory, not a copy.
    seen = []
    real = {n: getattr(ebpc._ebpc, n) for n in ("compress", "measure", "decompress_into", "hw_encode")}

    def spy(name, pos):
        def f(*args, **kw):
            seen.append((name, args[pos]))
            return real[name](*args, **kw)
        return f

    for name, pos in (("compress", 0), ("measure", 0), ("decompress_into", 1), ("hw_encode", 0)):
        monkeypatch.setattr(ebpc._ebpc, name, spy(name, pos))
    a = relu_like((64, 64, 3), "int16")
    f = np.asfortranarray(relu_like((30, 40), "uint8"))
    b = ebpc.compress(a)
    ebpc.compress(f)
    ebpc.measure(a, ["ebpc"])
    ebpc.hw.encode(a, 16)
    out = np.empty_like(a)
    ebpc.decompress(b, out=out)
    targets = [a, f, a, a, out]
    assert [n for n, _ in seen] == ["compress", "compress", "measure", "hw_encode", "decompress_into"]
    for (name, arg), t in zip(seen, targets):
        assert np.shares_memory(arg, t), name


@pytest.mark.parametrize("call", ["compress", "decompress", "measure"])
def test_gil_released(call):
    # With a long switch interval the main thread only runs while the worker is inside a
    # call that has released the GIL.
    a = relu_like((1 << 23,), "int16", zeros=0.3)
    b = ebpc.compress(a, threads=1)
    fn = {"compress": lambda: ebpc.compress(a, threads=1), "decompress": lambda: ebpc.decompress(b, threads=1),
          "measure": lambda: ebpc.measure(a, ["ebpc"])}[call]
    state = {"inside": False, "done": False}

    def worker():
        state["inside"] = True
        fn()
        state["inside"] = False
        state["done"] = True

    old = sys.getswitchinterval()
    sys.setswitchinterval(5.0)
    try:
        t = threading.Thread(target=worker)
        t.start()
        count = 0
        while not state["done"]:
            if state["inside"]:
                count += 1
            time.sleep(0)
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert count > 100, count


def test_errors_are_value_errors():
    assert issubclass(ebpc.Error, ValueError)
    a = relu_like((100,), "int8")
    with pytest.raises(ebpc.Error, match="unsupported dtype"):
        ebpc.compress(np.zeros(3, np.float64))
    with pytest.raises(ebpc.Error, match="unsupported dtype"):
        ebpc.compress(np.zeros(3, np.complex64))
    with pytest.raises(ebpc.Error, match="big-endian"):
        ebpc.compress(np.zeros(3, ">i2"))
    with pytest.raises(ebpc.Error, match="unknown codec"):
        ebpc.compress(a, "lzma")
    with pytest.raises(ebpc.Error, match="invalid parameters"):
        ebpc.compress(a, block=7)
    with pytest.raises(ebpc.Error, match="invalid parameters"):
        ebpc.compress(a, max_zero_run=3)
    with pytest.raises(ebpc.Error, match="not an .ebpc container"):
        ebpc.decompress(b"hello world, this is not a container")
    with pytest.raises(ebpc.Error):
        ebpc.decompress(b"")
    with pytest.raises(ebpc.Error, match="trailing data"):
        ebpc.decompress(ebpc.compress(a) + b"\0")


@pytest.mark.parametrize("codec", ["ebpc", "zvc", "bpc", "zstd", "lz4"])
def test_corruption_raises_never_crashes(codec):
    a = relu_like((2, 300), "int16", zeros=0.6)
    b = ebpc.compress(a, codec, chunk_words=256)
    for n in range(len(b)):
        with pytest.raises(ebpc.Error):
            ebpc.decompress(b[:n])
    rng = np.random.default_rng(7)
    raised = 0
    for _ in range(400):
        m = bytearray(b)
        pos = int(rng.integers(len(m)))
        m[pos] ^= 1 << int(rng.integers(8))
        try:
            c = ebpc.decompress(bytes(m))
        except ebpc.Error:
            raised += 1
            continue
        # A flip the checksums cannot see (e.g. in the header's codec level) must still
        # decode to the same elements or change only the metadata.
        assert c.size == a.size or c.size == 0
    assert raised > 300


def test_measure_fields():
    a = relu_like((4, 50, 50), "int8")
    m = ebpc.measure(a)
    assert list(m) == list(ebpc.DEFAULT_CODECS)
    e = m["ebpc"]
    assert e["values"] == a.size and e["uncompressed_bits"] == a.size * 8
    assert e["znz_bits"] + e["bpc_bits"] == e["compressed_bits"]
    assert "znz_bits" not in m["zvc"]
    assert e["zero_fraction"] == pytest.approx(float((a == 0).mean()))
    assert ebpc.measure(a, "ebpc,lz4").keys() == {"ebpc", "lz4"}


def _save(tmp_path, name, a):
    p = tmp_path / name
    np.save(p, a)
    return p


CLI_CASES = [
    ("int8", {}, []), ("uint8", {"codec": "zvc"}, ["--codec", "zvc"]),
    ("int16", {"width": 12}, ["--width", "12"]), ("uint16", {"codec": "bpc", "block": 16}, ["--codec", "bpc", "--block", "16"]),
    ("float16", {"max_zero_run": 32}, ["--max-zero-run", "32"]), ("int32", {"codec": "zstd-19"}, ["--codec", "zstd-19"]),
    ("uint32", {"codec": "lz4"}, ["--codec", "lz4"]), ("float32", {"codec": "deflate"}, ["--codec", "deflate"]),
    ("int8", {"chunk_words": 1000}, ["--chunk-words", "1000"]), ("int16", {"codec": "zrle", "width": 9}, ["--codec", "zrle", "--width", "9"]),
]


@pytest.mark.parametrize("dtype,kw,args", CLI_CASES)
def test_compress_byte_identical_to_cli(cli, tmp_path, dtype, kw, args):
    a = relu_like((3, 40, 41), dtype)
    if kw.get("width"):
        a = np.clip(a, -(1 << (kw["width"] - 1)), (1 << (kw["width"] - 1)) - 1).astype(dtype)
    p = _save(tmp_path, "a.npy", a)
    cli("compress", p, "-o", tmp_path / "a.ebpc", *args)
    assert (tmp_path / "a.ebpc").read_bytes() == ebpc.compress(a, **kw)
    assert np.array_equal(ebpc.decompress((tmp_path / "a.ebpc").read_bytes()), a)


def test_fortran_byte_identical_to_cli_and_cli_reads_ours(cli, tmp_path):
    a = np.asfortranarray(relu_like((9, 10, 11), "float16"))
    p = _save(tmp_path, "f.npy", a)
    cli("compress", p, "-o", tmp_path / "f.ebpc")
    assert (tmp_path / "f.ebpc").read_bytes() == ebpc.compress(a)
    (tmp_path / "g.ebpc").write_bytes(ebpc.compress(a, "zstd"))
    cli("decompress", tmp_path / "g.ebpc", "-o", tmp_path / "g.npy")
    g = np.load(tmp_path / "g.npy")
    assert g.flags.f_contiguous and np.array_equal(g, a)


def test_measure_equals_cli(cli, tmp_path):
    for dtype, width in (("int8", None), ("int16", 12), ("float16", None), ("float32", None)):
        a = relu_like((2, 33, 34), dtype)
        if width:
            a = np.clip(a, -2048, 2047).astype(dtype)
        p = _save(tmp_path, f"m_{dtype}.npy", a)
        args = ["measure", "--json", p] + (["--width", width] if width else [])
        j = json.loads(cli(*args).stdout)
        ours = ebpc.measure(a, width=width)
        for row in j["files"][0]["codecs"]:
            mine = dict(ours[row.pop("codec")])
            for k in ("zero_fraction", "ratio"):
                assert mine.pop(k) == pytest.approx(row.pop(k), rel=1e-12)
            assert mine == row


def test_hw_encode_decode_match_cli(cli, tmp_path):
    for dtype, width in (("int8", 8), ("int16", 16), ("int16", 12)):
        a = relu_like((5, 31, 7), dtype)
        a = np.clip(a, -(1 << (width - 1)), (1 << (width - 1)) - 1).astype(dtype)
        p = _save(tmp_path, "h.npy", a)
        cli("hw", "encode", "--width", width, p, "--znz", tmp_path / "z", "--bpc", tmp_path / "b", "-f")
        znz, bpc = ebpc.hw.encode(a, width)
        assert znz == (tmp_path / "z").read_bytes() and bpc == (tmp_path / "b").read_bytes()
        d = ebpc.hw.decode(znz, bpc, a.size, width, dtype=dtype)
        assert np.array_equal(d, a.ravel())
    with pytest.raises(ebpc.Error):
        ebpc.hw.decode(znz[:-2], bpc, a.size, width, dtype=dtype)
    with pytest.raises(ebpc.Error, match="bits set above"):
        ebpc.hw.decode(b"\xff\xff" * 4, bpc, a.size, 12, dtype="int16")


def test_hw_sim_matches_cli(cli, tmp_path):
    a = relu_like((8, 40, 40), "int8", zeros=0.6)
    p = _save(tmp_path, "s.npy", a)
    j = json.loads(cli("hw", "sim", "--json", "--out-ready", "0.9", "--seed", "3", p).stdout)["files"][0]
    j.pop("name")
    assert ebpc.hw.sim(a, out_ready=0.9, seed=3) == j
    with pytest.raises(ebpc.Error, match="width 8 or 16"):
        ebpc.hw.sim(a, width=12)


def test_numpy_users_never_import_torch():
    import subprocess

    code = ("import sys, numpy as np, ebpc, ebpc.hw, ebpc.numcodecs; b = ebpc.compress(np.zeros(10, np.int8)); "
            "ebpc.decompress(b); ebpc.measure(np.zeros(10, np.int8)); assert 'torch' not in sys.modules, 'torch'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_version_number(cli):
    # VERSION at the top of the repository is the library's, the CLI's and the package's.
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "VERSION")) as f:
        version = f.read().strip()
    assert ebpc.__version__ == version == ebpc._ebpc.__version__
    assert cli("--version").stdout.decode().split() == ["ebpc", version]
