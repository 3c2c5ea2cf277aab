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
