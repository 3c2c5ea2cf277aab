"""Writes python/ebpc/_ebpc.pyi, the type stub of the extension ebpc._ebpc, from the
signatures pybind11 puts in its docstrings (python/tests/test_stub.py checks that the
committed stub is what this writes; run it again after changing python/src/_ebpc.cpp):

    PYTHONPATH=build/release/python /usr/bin/python3 python/stubgen.py
"""
import inspect
import os
import re
import sys

HEADER = '''"""Type stub of the extension ebpc._ebpc (written by python/stubgen.py; do not edit)."""
from typing import Any, Dict, List, Tuple

_Buffer = Any  # an object with the buffer protocol (numpy arrays, bytes, memoryview, ...)
'''


def _signature(doc, name, self_type=None):
    """The 'name(args) -> ret' line pybind11 writes first in a docstring, as a stub line."""
    first = (doc or "").split("\n")[0]
    m = re.match(rf"{re.escape(name)}\((.*)\) -> (.+)$", first)
    if m is None:
        raise SystemExit(f"no pybind11 signature for {name}: {first!r}")
    args, ret = m.group(1), m.group(2)
    if self_type is not None:
        args = re.sub(rf"^self: [\w.]+", "self", args)
    return f"def {name}({_types(args)}) -> {_types(ret)}: ..."


def _types(text):
    text = re.sub(r"\bbuffer\b", "_Buffer", text)
    return text.replace("ebpc._ebpc.", "")


def stub(module):
    out = [HEADER]
    names = sorted(n for n in vars(module) if not n.startswith("__"))
    for name in names:
        obj = getattr(module, name)
        if name == "Error":
            out.append("\nclass Error(ValueError): ...\n")
        elif inspect.isclass(obj):
            out.append(f"\nclass {name}:")
            for attr in sorted(n for n in vars(obj) if n == "__init__" or not n.startswith("_")):
                out.append("    " + _signature(getattr(obj, attr).__doc__, attr, name))
            out.append("")
        elif callable(obj):
            out.append(_signature(obj.__doc__, name))
        else:
            out.append(f"{name}: {type(obj).__name__}")
    out.append("__version__: str")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    # The extension from PYTHONPATH, not the sources beside this script (no .so there).
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path = [p for p in sys.path if os.path.abspath(p or ".") != here]
    import ebpc._ebpc as ext

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ebpc", "_ebpc.pyi")
    with open(path, "w") as f:
        f.write(stub(ext))
    print(f"wrote {path}", file=sys.stderr)
