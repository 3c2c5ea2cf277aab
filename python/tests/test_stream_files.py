"""ebpc.open(path, "w") replaces a file only when the container is complete: arguments are
checked before the file system is touched, the bytes go to a temporary file beside the
target, renamed over it on a successful close and removed otherwise."""
import numpy as np
import pytest

import ebpc

OLD = b"the old contents"


def _existing(tmp_path):
    p = tmp_path / "out.ebpc"
    p.write_bytes(OLD)
    return p


def _entries(tmp_path):
    return sorted(x.name for x in tmp_path.iterdir())


@pytest.mark.parametrize("kwargs", [dict(codec="nope"), dict(width=99), dict(block=3), dict(dtype="complex64"),
                                    dict(chunk_words=0)])
def test_bad_arguments_leave_the_file_alone(tmp_path, kwargs):
    p = _existing(tmp_path)
    args = dict(dtype="uint8", shape=(100,))
    args.update(kwargs)
    with pytest.raises(ebpc.Error):
        ebpc.open(p, "w", **args)
    assert p.read_bytes() == OLD
    assert _entries(tmp_path) == ["out.ebpc"]


def test_exception_in_with_block_leaves_the_file_alone(tmp_path):
    p = _existing(tmp_path)
    with pytest.raises(RuntimeError):
        with ebpc.open(p, "w", dtype="uint8", shape=(100,)) as w:
            w.write(np.zeros(50, np.uint8))
            raise RuntimeError("stop")
    assert p.read_bytes() == OLD
    assert _entries(tmp_path) == ["out.ebpc"]


def test_short_write_leaves_the_file_alone(tmp_path):
    p = _existing(tmp_path)
    with pytest.raises(ebpc.Error, match="less data"):
        with ebpc.open(p, "w", dtype="uint8", shape=(100,)) as w:
            w.write(np.zeros(50, np.uint8))
    assert p.read_bytes() == OLD
    assert _entries(tmp_path) == ["out.ebpc"]


def test_no_new_file_on_failure(tmp_path):
    p = tmp_path / "new.ebpc"
    with pytest.raises(ebpc.Error):
        with ebpc.open(p, "w", dtype="uint8", shape=(100,)) as w:
            w.write(np.zeros(50, np.uint8))
    w = ebpc.open(p, "w", dtype="uint8", shape=(100,))
    w.write(np.zeros(10, np.uint8))
    w.abandon()
    w = ebpc.open(p, "w", dtype="uint8", shape=(100,))
    del w  # dropped without close: nothing appears
    assert _entries(tmp_path) == []


def test_success_replaces_and_keeps_the_mode(tmp_path):
    p = _existing(tmp_path)
    p.chmod(0o600)
    a = np.arange(100, dtype=np.uint8)
    with ebpc.open(p, "w", dtype="uint8", shape=(100,)) as w:
        assert p.read_bytes() == OLD  # nothing replaced until close
        w.write(a)
    assert p.read_bytes() == ebpc.compress(a)
    assert (p.stat().st_mode & 0o777) == 0o600
    assert _entries(tmp_path) == ["out.ebpc"]


def test_path_given_as_str_and_bytes(tmp_path):
    a = np.arange(10, dtype=np.uint8)
    for p in (str(tmp_path / "s.ebpc"), str(tmp_path / "b.ebpc").encode()):
        with ebpc.open(p, "w", dtype="uint8", shape=(10,)) as w:
            w.write(a)
        assert np.array_equal(ebpc.decompress(open(p, "rb").read()), a)
