import io

import numpy as np
import pytest

import ebpc


def data(shape=(50, 999), dtype=np.int16):
    rng = np.random.default_rng(3)
    a = rng.integers(-300, 300, size=shape).astype(dtype)
    a[a < 50] = 0
    return a


@pytest.mark.parametrize("threads", [1, 3])
def test_write_in_pieces_is_byte_identical(tmp_path, threads):
    a = data()
    p = tmp_path / "s.ebpc"
    with ebpc.open(p, "w", dtype="int16", shape=a.shape, chunk_words=4096, threads=threads) as w:
        for i in range(0, a.shape[0], 7):
            w.write(a[i:i + 7])
    assert p.read_bytes() == ebpc.compress(a, chunk_words=4096)


def test_memory_bounded_whatever_the_size(tmp_path):
    # 256 MiB through the writer and back through the reader, 1 MiB at a time: the
    # process's peak RSS must not grow by anything near the stream's size.
    import resource

    piece = np.zeros(1 << 20, np.int8)
    piece[::3] = 5
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    p = tmp_path / "big.ebpc"
    with ebpc.open(p, "w", dtype="int8", shape=(256, 1 << 20), threads=2) as w:
        for _ in range(256):
            w.write(piece)
    n = 0
    with ebpc.open(p, threads=2) as r:
        for chunk in r:
            n += chunk.size
            assert chunk[0] == 5
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert n == 256 << 20
    assert grown_mib < 64, grown_mib


def test_read_back_and_iterate(tmp_path):
    a = data()
    p = tmp_path / "r.ebpc"
    p.write_bytes(ebpc.compress(a, "zstd", chunk_words=5000))
    with ebpc.open(p, threads=2) as r:
        assert r.shape == a.shape and r.dtype == np.int16 and r.header["codec"] == "zstd"
        assert np.array_equal(r.read_array(), a)
    with ebpc.open(p) as r:
        pieces = list(r)
    assert [len(x) for x in pieces[:-1]] == [5000] * (len(pieces) - 1)
    assert np.array_equal(np.concatenate(pieces), a.ravel())
    with ebpc.open(p) as r:
        assert np.array_equal(r.read(10), a.ravel()[:10])
        assert np.array_equal(r.read(12345), a.ravel()[10:12355])
        assert np.array_equal(r.read(), a.ravel()[12355:])
        assert r.read(5).size == 0


def test_file_objects_and_fortran():
    a = np.asfortranarray(data((30, 40), np.float32))
    buf = io.BytesIO()
    with ebpc.open(buf, "w", dtype="float32", shape=a.shape, fortran_order=True, chunk_words=100) as w:
        w.write(a.ravel(order="F"))
    assert buf.getvalue() == ebpc.compress(a, chunk_words=100)
    buf.seek(0)
    with ebpc.open(buf) as r:
        b = r.read_array()
    assert b.flags.f_contiguous and np.array_equal(b, a)


def test_cli_reads_stream_and_stream_reads_cli(cli, tmp_path):
    a = np.abs(data((20, 3000))).astype(np.uint16)
    with ebpc.open(tmp_path / "a.ebpc", "w", dtype="uint16", shape=a.shape, width=12, chunk_words=7777) as w:
        w.write(a)
    cli("decompress", tmp_path / "a.ebpc", "-o", tmp_path / "a.npy")
    assert np.array_equal(np.load(tmp_path / "a.npy"), a)
    np.save(tmp_path / "b.npy", a)
    cli("compress", tmp_path / "b.npy", "-o", tmp_path / "b.ebpc", "--chunk-words", "1000")
    with ebpc.open(tmp_path / "b.ebpc", threads=2) as r:
        assert np.array_equal(r.read_array(), a)


def test_errors(tmp_path):
    a = data()
    with pytest.raises(ebpc.Error, match="needs dtype and shape"):
        ebpc.open(tmp_path / "x.ebpc", "w")
    with pytest.raises(ebpc.Error, match="less data than the array"):
        with ebpc.open(tmp_path / "x.ebpc", "w", dtype="int16", shape=a.shape) as w:
            w.write(a[:3])
    with pytest.raises(ebpc.Error, match="more data than the array.s shape holds"):
        with ebpc.open(tmp_path / "y.ebpc", "w", dtype="int16", shape=(10,)) as w:
            w.write(a[0])
    with pytest.raises(ebpc.Error, match="stream holds int16"):
        with ebpc.open(tmp_path / "z.ebpc", "w", dtype="int16", shape=(10,)) as w:
            w.write(np.zeros(10, np.int8))
    b = ebpc.compress(a, chunk_words=3000)
    for n in list(range(0, 80)) + list(range(80, len(b), 997)) + [len(b) - 1]:
        with pytest.raises(ebpc.Error):
            with ebpc.open(io.BytesIO(b[:n])) as r:
                r.read_array()
    with pytest.raises(ebpc.Error, match="trailing data"):
        with ebpc.open(io.BytesIO(b + b"x")) as r:
            r.read_array()
    m = bytearray(b)
    m[len(b) // 2] ^= 0x10
    with pytest.raises(ebpc.Error):
        with ebpc.open(io.BytesIO(bytes(m))) as r:
            r.read_array()
