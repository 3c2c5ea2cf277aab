"""Run by make test-python against the copy pip installed (EBPC_EXPECT_INSTALLED)."""
import os

import numpy as np
import pytest

import ebpc


def test_imported_from_the_installed_copy():
    where = os.environ.get("EBPC_EXPECT_INSTALLED")
    if not where:
        pytest.skip("only meaningful after pip install (make test-python)")
    assert os.path.realpath(ebpc.__file__).startswith(os.path.realpath(where))
    assert os.path.realpath(ebpc._ebpc.__file__).startswith(os.path.realpath(where))


def test_installed_round_trip():
    a = np.arange(1000, dtype=np.int16) % 7
    assert np.array_equal(ebpc.decompress(ebpc.compress(a)), a)
