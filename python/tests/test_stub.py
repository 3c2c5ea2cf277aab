"""The type information: py.typed and the extension's stub, which must be what
python/stubgen.py writes from the extension as built (so that it follows _ebpc.cpp)."""
import ast
import importlib.util
import os

import ebpc
import ebpc._ebpc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _stubgen():
    spec = importlib.util.spec_from_file_location("ebpc_stubgen", os.path.join(ROOT, "python", "stubgen.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_stub_is_the_extensions():
    with open(os.path.join(ROOT, "python", "ebpc", "_ebpc.pyi")) as f:
        committed = f.read()
    assert committed == _stubgen().stub(ebpc._ebpc), (
        "python/ebpc/_ebpc.pyi is out of date: PYTHONPATH=build/release/python /usr/bin/python3 python/stubgen.py")
    tree = ast.parse(committed)
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    defined |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    public = {n for n in vars(ebpc._ebpc) if not n.startswith("__")} | {"__version__"}
    assert public <= defined


def test_package_is_typed():
    here = os.path.dirname(ebpc.__file__)
    assert os.path.isfile(os.path.join(here, "py.typed"))
    assert os.path.isfile(os.path.join(here, "_ebpc.pyi"))
    assert not [n for n in os.listdir(here) if n.endswith(".js")]  # no Node script in the package
