"""The ebpcx codec from Python: ebpc.compress / decompress in every dtype it models, ebpc.measure
(with the array's shape, equal to the CLI's), the numcodecs codec, and the CLI's container
read back by Python."""
import glob
import json
import os

import numpy as np
import pytest

import ebpc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = sorted(glob.glob(os.path.join(ROOT, "data", "fmaps-sample", "mobilenet_v2-kite", "*.npy")))


def _map(dtype, shape=(8, 14, 14), seed=0):
    rng = np.random.default_rng(seed)
    a = np.maximum(rng.normal(0, 20, shape), 0) * (rng.random(shape) < 0.7)
    if dtype in ("float16", "float32"):
        return (a / 7).astype(dtype)
    return a.astype(dtype)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "float16", "float32"])
def test_compress_round_trips(dtype):
    a = _map(dtype)
    enc = ebpc.compress(a, "ebpcx", chunk_nwords=500)
    assert ebpc.header(enc)["codec"] == "ebpcx"
    b = ebpc.decompress(enc)
    assert b.dtype == a.dtype and b.shape == a.shape and np.array_equal(b.view(np.uint8), a.view(np.uint8))


def test_narrow_width_and_fortran_order():
    a = np.asfortranarray(_map("int16"))
    enc = ebpc.compress(a, "ebpcx", width=9)
    assert np.array_equal(ebpc.decompress(enc), a)


def test_bad_codec_spec_and_width():
    with pytest.raises(ebpc.Error):
        ebpc.compress(_map("int8"), "ebpcx-3")
    with pytest.raises(ebpc.Error):
        ebpc.compress(_map("float16"), "ebpcx", width=12)


def test_measure_beats_ebpc_and_zstd_on_the_sample():
    assert len(SAMPLE) == 37
    tot = {}
    for f in SAMPLE:
        m = ebpc.measure(np.load(f), ["ebpc", "zstd-1", "ebpcx"])
        for c, r in m.items():
            u, k = tot.get(c, (0, 0))
            tot[c] = (u + r["uncompressed_bits"], k + r["compressed_bits"])
    ratio = {c: u / k for c, (u, k) in tot.items()}
    assert ratio["ebpcx"] > ratio["zstd-1"] > ratio["ebpc"]


def test_measure_equals_the_cli(cli, tmp_path):
    f = SAMPLE[0]
    py = ebpc.measure(np.load(f), ["ebpcx"])["ebpcx"]
    out = json.loads(cli("measure", "--json", "--codecs", "ebpcx", f).stdout)
    row = out["files"][0]["codecs"][0]
    assert row["codec"] == "ebpcx" and row["compressed_bits"] == py["compressed_bits"]


def test_cli_container_reads_in_python(cli, tmp_path):
    f = SAMPLE[1]
    dst = tmp_path / "m.ebpc"
    cli("compress", "--codec", "ebpcx", f, "-o", str(dst))
    assert np.array_equal(ebpc.decompress(dst.read_bytes()), np.load(f))
    # the same bytes as Python's compress with the same options
    assert dst.read_bytes() == ebpc.compress(np.load(f), "ebpcx")


def test_numcodecs():
    pytest.importorskip("numcodecs")
    from ebpc.numcodecs import EBPC

    a = _map("int8", (4, 9, 9))
    c = EBPC(codec="ebpcx")
    out = np.empty_like(a)
    c.decode(c.encode(a), out=out)
    assert np.array_equal(out, a)
