"""The HDF5 filter plugin libh5ebpc.so (src/hdf5, docs/hdf5.md), through two readers: h5py
and the h5dump command line. The plugin is found in HDF5_PLUGIN_PATH (make test-python sets
it to the release tree's hdf5-plugins/ and EBPC_REQUIRE_HDF5=1, so that there these tests
cannot skip), else in build/release/hdf5-plugins."""
import os
import shutil
import subprocess

import numpy as np
import pytest

import ebpc

h5py = pytest.importorskip("h5py")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILTER_ID = 491  # src/hdf5/h5ebpc.h


def _plugin_dir():
    dirs = [d for d in os.environ.get("HDF5_PLUGIN_PATH", "").split(":") if d]
    dirs.append(os.path.join(ROOT, "build", "release", "hdf5-plugins"))
    for d in dirs:
        if os.path.exists(os.path.join(d, "libh5ebpc.so")):
            return os.path.abspath(d)
    return None


PLUGIN_DIR = _plugin_dir()
if PLUGIN_DIR is None:
    if os.environ.get("EBPC_REQUIRE_HDF5"):
        raise RuntimeError("EBPC_REQUIRE_HDF5 is set but libh5ebpc.so is in no HDF5_PLUGIN_PATH directory")
    pytest.skip("the HDF5 plugin was not built (EBPC_WITH_HDF5=OFF or no libhdf5-dev)", allow_module_level=True)
# HDF5 reads HDF5_PLUGIN_PATH once; h5py may have been imported before it was set.
if PLUGIN_DIR not in [p.decode() if isinstance(p, bytes) else p for p in
                      (h5py.h5pl.get(i) for i in range(h5py.h5pl.size()))]:
    h5py.h5pl.append(PLUGIN_DIR.encode())
H5DUMP = shutil.which("h5dump")


def _env():
    return dict(os.environ, HDF5_PLUGIN_PATH=PLUGIN_DIR)


def _sparse(rng, shape, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        a = rng.normal(size=shape).astype(dt)
    else:
        info = np.iinfo(dt)
        a = rng.integers(max(info.min, -1000), min(info.max, 1000), shape, endpoint=True).astype(dt)
    a[rng.random(shape) < 0.5] = 0
    return a


CASES = [("int8", ()), ("uint8", (1, 6, 16, 32)), ("int16", ()), ("uint16", (0, 12)), ("int32", ()),
         ("uint32", (3,)), ("float16", ()), ("float32", ()), ("float64", ()), ("int64", (1,)), (">i2", ())]


@pytest.mark.parametrize("dtype,opts", CASES)
def test_h5py_round_trip(tmp_path, dtype, opts):
    rng = np.random.default_rng(len(dtype) * 7 + len(opts))
    a = _sparse(rng, (50, 37), dtype)  # edge chunks: 50 = 3 * 16 + 2
    if len(opts) > 1 and opts[1]:
        a &= (1 << opts[1]) - 1  # values must fit W
    path = tmp_path / "t.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("a", data=a, chunks=(16, 37), compression=FILTER_ID,
                         compression_opts=opts if opts else None)
    with h5py.File(path, "r") as f:
        d = f["a"]
        assert str(FILTER_ID) in d._filters
        r = d[:]
        assert r.dtype == a.dtype and r.tobytes() == a.tobytes()
        # the filter ran (HDF5 stores a chunk raw when an optional filter fails) and each
        # stored chunk is a complete .ebpc container of the chunk's 16 x 37 elements
        for i in range(d.id.get_num_chunks()):
            info = d.id.get_chunk_info(i)
            assert info.filter_mask == 0
            mask, raw = d.id.read_direct_chunk(info.chunk_offset)
            h = ebpc.header(raw)
            assert h["nwords"] * np.dtype(h["dtype"]).itemsize == 16 * 37 * a.itemsize
            chunk = ebpc.decompress(raw).tobytes()
            row = info.chunk_offset[0]
            want = np.zeros((16, 37), a.dtype)
            want[:a.shape[0] - row] = a[row:row + 16]
            assert chunk == want.tobytes()
        params = d.id.get_create_plist().get_filter_by_id(FILTER_ID)[1]
    # set_local stored: codec, W, B, Z, level, layout version 1, dtype id, chunk bytes
    assert len(params) == 8 and params[5] == 1 and params[7] == 16 * 37 * a.itemsize
    native = {"int8": 1, "uint8": 2, "int16": 3, "uint16": 4, "float16": 5, "int32": 6, "uint32": 7, "float32": 8}
    assert params[6] == native.get(dtype, 2)  # others as bytes (uint8)
    if not opts:
        assert params[0] == (1 if dtype in native else 5)  # auto: ebpc, or zstd for bytes
    else:
        assert all(o == 0 or p == o for o, p in zip(opts, params))


def test_compressed_size(tmp_path):
    a = np.zeros((256, 256), np.int8)
    a[::7, ::3] = 5
    with h5py.File(tmp_path / "t.h5", "w") as f:
        d = f.create_dataset("a", data=a, chunks=(64, 256), compression=FILTER_ID)
        assert d.id.get_storage_size() < a.nbytes // 4


def test_unfit_value_is_stored_raw(tmp_path):
    # h5py sets the filter optional: a chunk the filter cannot code (a value wider than W) is
    # stored unfiltered, flagged in its filter mask, and still reads back exactly.
    a = np.arange(100, dtype=np.uint8)
    with h5py.File(tmp_path / "t.h5", "w") as f:
        d = f.create_dataset("a", data=a, chunks=(50,), compression=FILTER_ID, compression_opts=(1, 6))
        assert [d.id.get_chunk_info(i).filter_mask for i in range(2)] == [0, 1]  # 0..49 fit 6 bits
    with h5py.File(tmp_path / "t.h5", "r") as f:
        assert np.array_equal(f["a"][:], a)


def test_bad_options_fail_at_creation(tmp_path):
    with h5py.File(tmp_path / "t.h5", "w") as f:
        for opts in [(9,), (1, 12), (1, 0, 3)]:  # unknown codec; W 12 on int8; B 3
            with pytest.raises((ValueError, OSError, RuntimeError)):
                f.create_dataset(f"a{opts}", data=np.zeros(100, np.int8), chunks=(10,), compression=FILTER_ID,
                                 compression_opts=opts)


def _write_sample(path):
    a = _sparse(np.random.default_rng(5), (64, 40), "int16")
    with h5py.File(path, "w") as f:
        f.create_dataset("a", data=a, chunks=(16, 40), compression=FILTER_ID)
    return a


@pytest.mark.skipif(H5DUMP is None, reason="no h5dump (Debian hdf5-tools)")
def test_h5dump_reads_what_h5py_wrote(tmp_path):
    a = _write_sample(tmp_path / "t.h5")
    out = tmp_path / "a.bin"
    r = subprocess.run([H5DUMP, "-d", "/a", "-b", "LE", "-o", str(out), str(tmp_path / "t.h5")], env=_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == a.astype("<i2").tobytes()
    r = subprocess.run([H5DUMP, "-p", "-H", str(tmp_path / "t.h5")], env=_env(), capture_output=True, text=True)
    assert r.returncode == 0 and f"FILTER_ID {FILTER_ID}" in r.stdout
    # and in text: the first row's values
    r = subprocess.run([H5DUMP, "-d", "/a[0,0;;1,40]", "-w", "0", "-y", str(tmp_path / "t.h5")], env=_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = r.stdout.split("DATA {", 1)[1].split("}", 1)[0]
    assert [int(v) for v in data.replace(",", " ").split()] == a[0].tolist()


def _corrupt(path, how):
    with h5py.File(path, "r") as f:
        info = f["a"].id.get_chunk_info(2)
    b = bytearray(path.read_bytes())
    start, n = info.byte_offset, info.size
    if how == "flip_payload":
        b[start + n // 2] ^= 0x10
    elif how == "flip_header":
        b[start + 12] ^= 0x40
    elif how == "magic":
        b[start:start + 4] = b"XXXX"
    elif how == "zeros":
        b[start:start + n] = bytes(n)
    path.write_bytes(bytes(b))


@pytest.mark.parametrize("how", ["flip_payload", "flip_header", "magic", "zeros"])
def test_corrupt_chunk_fails_cleanly(tmp_path, how):
    path = tmp_path / "t.h5"
    a = _write_sample(path)
    _corrupt(path, how)
    with h5py.File(path, "r") as f:
        assert np.array_equal(f["a"][:32], a[:32])  # the intact chunks still read
        with pytest.raises(OSError, match="ebpc filter"):
            f["a"][:]
    if H5DUMP is not None:
        r = subprocess.run([H5DUMP, "-d", "/a", str(path)], env=_env(), capture_output=True, text=True)
        assert r.returncode != 0
