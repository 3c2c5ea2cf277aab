import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _find_cli():
    env = os.environ.get("EBPC_CLI")
    if env:
        return env
    for p in (os.path.join(ROOT, "build", "release", "tools", "ebpc", "ebpc"), shutil.which("ebpc")):
        if p and os.path.exists(p):
            return p
    return None


@pytest.fixture(scope="session")
def cli():
    """Runs the ebpc CLI (EBPC_CLI, else build/release's). make test sets EBPC_CLI, so there
    the CLI comparisons cannot be skipped."""
    path = _find_cli()
    if path is None:
        if os.environ.get("EBPC_REQUIRE_CLI"):
            pytest.fail("EBPC_REQUIRE_CLI is set but no ebpc CLI was found")
        pytest.skip("no ebpc CLI (set EBPC_CLI)")

    def run(*args, check=True):
        return subprocess.run([path, *map(str, args)], check=check, capture_output=True, text=False)

    return run
