"""``ebpc eval`` on a Dask cluster: the shards of one study as tasks, then their merge.

Each task runs ``ebpc eval DATASET... --shard I/N`` (the CLI, on the worker) and hands
back the shard file's bytes; the driver writes them into a scratch directory and runs
``ebpc eval merge`` there, so the outputs are byte for byte those of a single
``ebpc eval`` run (docs/results.md, "Scale-out: shards and merge"). The workers need the
CLI and the dataset directories at the same paths (a shared file system, or the same
checkout); they need no shared output directory.

Needs ``dask.distributed`` (Debian ``python3-distributed``), imported only when used::

    from dask.distributed import Client
    import ebpc.dask_eval
    with Client("tcp://scheduler:8786") as client:
        out = ebpc.dask_eval.run_eval(client, ["data/mobilenet_v2"], "build/results",
                                      options=["--quirks", "--hw"])
    print(out)   # what `ebpc eval` prints on stdout
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Iterable, Optional, Sequence

from . import Error

__all__ = ["find_cli", "shard_command", "run_shard", "run_eval"]

# Options that only decide where and how outputs are written: the driver sets them.
_DRIVER_OPTIONS = ("--out", "--shard", "--dump-quantised", "-q", "--quiet", "--no-plots")


def find_cli(cli: Optional[str] = None) -> str:
    """The ebpc CLI: cli, else $EBPC_CLI, else ``ebpc`` on PATH. Error if none."""
    path = cli or os.environ.get("EBPC_CLI") or shutil.which("ebpc")
    if not path:
        raise Error("no ebpc CLI found (pass cli=, set EBPC_CLI or put ebpc on PATH)")
    return path


def _one_line(stderr: bytes, what: str) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return text[-1] if text else f"{what} failed"


def shard_command(cli: str, datasets: Sequence[str], index: int, count: int, out_dir: str,
                  options: Sequence[str] = (), threads: int = 1) -> list:
    """The command line of shard index of count (0 <= index < count)."""
    return [cli, "eval", *map(str, datasets), *map(str, options), "--threads", str(threads), "-q",
            "--shard", f"{index}/{count}", "--out", str(out_dir)]


def run_shard(cli: str, datasets: Sequence[str], index: int, count: int,
              options: Sequence[str] = (), threads: int = 1, cwd: Optional[str] = None) -> bytes:
    """Runs one shard (on a worker) in the working directory cwd, writing to a scratch
    directory, and returns its shard file's bytes. Error: the CLI's one-line message."""
    with tempfile.TemporaryDirectory(prefix="ebpc-shard-") as tmp:
        r = subprocess.run(shard_command(cli, datasets, index, count, tmp, options, threads),
                           capture_output=True, check=False, cwd=cwd)
        if r.returncode != 0:
            raise Error(f"shard {index}/{count}: {_one_line(r.stderr, 'ebpc eval')}")
        with open(os.path.join(tmp, f"shard-{index}-of-{count}.json"), "rb") as f:
            return f.read()


def run_eval(client, datasets: Iterable[str], out: str, *, shards: Optional[int] = None,
             options: Sequence[str] = (), threads_per_shard: int = 1, plots: bool = True,
             cli: Optional[str] = None, cwd: Optional[str] = None) -> str:
    """Runs ``ebpc eval DATASETS OPTIONS`` as shards on the Dask client's cluster and
    merges them into out (results.csv, summary.md, plots/). Returns the merge's stdout
    (the headline tables, as a single run prints them).

    shards: number of shards (default: the cluster's worker threads, at least 1).
    options: further ``ebpc eval`` options that change results (``--formats``, ``--codecs``,
    ``--quirks``, ``--hw``, ``--block``, ``--max-zero-run``); every shard gets the same.
    cwd: the working directory of the shards on the workers (default: the driver's), against
    which relative dataset paths resolve; the paths are passed as given, so that summary.md
    names them as a single run from cwd would.
    Errors (:class:`ebpc.Error`): a shard's or the merge's one-line message; nothing is
    written to out then.
    """
    datasets = [str(d) for d in datasets]
    cwd = os.getcwd() if cwd is None else cwd
    if not datasets:
        raise Error("no dataset given")
    for o in options:
        if str(o).split("=", 1)[0] in _DRIVER_OPTIONS:
            raise Error(f"option {o} is set by the driver")
    cli = find_cli(cli)
    if shards is None:
        workers = client.scheduler_info().get("workers", {})
        shards = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    if shards < 1:
        raise Error("shards must be at least 1")
    futures = [client.submit(run_shard, cli, datasets, i, shards, list(options), threads_per_shard, cwd,
                             pure=False)
               for i in range(shards)]
    try:
        parts = client.gather(futures)
    except Error:
        raise
    except Exception as e:  # a worker lost, a task that could not run
        raise Error(f"a shard task failed: {e}") from e
    with tempfile.TemporaryDirectory(prefix="ebpc-merge-") as tmp:
        for i, data in enumerate(parts):
            with open(os.path.join(tmp, f"shard-{i}-of-{shards}.json"), "wb") as f:
                f.write(data)
        cmd = [cli, "eval", "merge", tmp, "--out", str(out)] + ([] if plots else ["--no-plots"])
        r = subprocess.run(cmd, capture_output=True, check=False, cwd=cwd)
        if r.returncode != 0:
            raise Error(_one_line(r.stderr, "ebpc eval merge"))
        return r.stdout.decode("utf-8", "replace")
