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


def test_one_version_number():
    import importlib.metadata
    if not os.environ.get("EBPC_EXPECT_INSTALLED"):
        pytest.skip("only meaningful after pip install (make test-python)")
    assert importlib.metadata.version("ebpc") == ebpc.__version__ == ebpc._ebpc.__version__


def test_installed_package_is_typed_and_has_no_node_script():
    if not os.environ.get("EBPC_EXPECT_INSTALLED"):
        pytest.skip("only meaningful after pip install (make test-python)")
    here = os.path.dirname(ebpc.__file__)
    assert os.path.isfile(os.path.join(here, "py.typed")) and os.path.isfile(os.path.join(here, "_ebpc.pyi"))
    assert not [n for n in os.listdir(here) if n.endswith(".js")]


def test_installed_round_trip():
    a = np.arange(1000, dtype=np.int16) % 7
    assert np.array_equal(ebpc.decompress(ebpc.compress(a)), a)
