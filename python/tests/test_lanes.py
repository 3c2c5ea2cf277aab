"""Container version 3 from Python: EBPC lanes (docs/format.md "Lanes") and the trailer
that binds chunks to their file."""
import numpy as np
import pytest

import ebpc


def photo(seed, n):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 40, n).astype(np.uint8)
    a[rng.random(n) < 0.5] = 0
    return a


def chunk_offsets(buf, header_nbytes, nchunks):
    offs = [header_nbytes]
    for _ in range(nchunks):
        off = offs[-1]
        offs.append(off + 16 + int.from_bytes(buf[off:off + 4], "little"))
    return offs


def test_default_is_version_3_with_8_lanes():
    a = photo(1, 300_000)
    buf = ebpc.compress(a)
    h = ebpc.header(buf)
    assert h["version"] == 3 and h["lanes"] == 8
    assert np.array_equal(ebpc.decompress(buf), a)
    one = ebpc.compress(a, "ebpc-L1")
    assert ebpc.header(one)["lanes"] == 1
    assert bytes(one) != bytes(buf)
    assert np.array_equal(ebpc.decompress(one), a)
    assert ebpc.header(ebpc.compress(a, "zstd"))["lanes"] == 1
    for bad in ("ebpc-L0", "ebpc-L33", "zstd-L2"):
        with pytest.raises(ebpc.Error):
            ebpc.compress(a, bad)


def test_a_chunk_from_another_file_is_an_error():
    n, chunk = 160_000, 40_000
    a = photo(1, n)
    b = a.copy()
    b[40_000:80_000] = np.where(a[40_000:80_000] == 0, 0, (a[40_000:80_000] & 0x7F) + 1)
    fa = bytes(ebpc.compress(a, chunk_words=chunk))
    fb = bytes(ebpc.compress(b, chunk_words=chunk))
    h = ebpc.header(fa)
    hn = h["header_nbytes"]
    assert fa[:hn] == fb[:hn]  # the same header: the same layer of another photo
    oa = chunk_offsets(fa, hn, 4)
    ob = chunk_offsets(fb, hn, 4)
    mixed = fa[:oa[1]] + fb[ob[1]:ob[2]] + fa[oa[2]:]
    with pytest.raises(ebpc.Error, match="trailer mismatch"):
        ebpc.decompress(mixed)
    with pytest.raises(ebpc.Error):
        ebpc.decompress(fa[:-1])
