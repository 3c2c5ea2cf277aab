"""ebpc.dask_eval: the shards of `ebpc eval` as tasks on a 2-worker LocalCluster, merged,
give the outputs of a single `ebpc eval` run byte for byte. Real maps only: a small
subset (the last layers) of the shipped MobileNetV2 dataset."""
import json
import os
import shutil

import pytest

import ebpc
from conftest import _find_cli

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASET = os.path.join(ROOT, "data", "mobilenet_v2")

distributed = pytest.importorskip("distributed")


def subset(dir_, nlayers=3):
    with open(os.path.join(DATASET, "manifest.json")) as f:
        m = json.load(f)
    keep = {l["name"] for l in m["layers"][-nlayers:]}
    m["files"] = [f for f in m["files"] if f["layer"] in keep]
    os.makedirs(dir_)
    # Copied in: a dataset's paths stay inside it (ebpc eval --allow-outside-paths otherwise).
    for f in m["files"]:
        os.makedirs(os.path.dirname(os.path.join(dir_, f["path"])), exist_ok=True)
        shutil.copyfile(os.path.join(DATASET, f["path"]), os.path.join(dir_, f["path"]))
    with open(os.path.join(dir_, "manifest.json"), "w") as f:
        json.dump(m, f)
    return dir_


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture
def ds(tmp_path):
    if not os.path.exists(os.path.join(DATASET, "manifest.json")):
        pytest.skip("data/mobilenet_v2 not present")
    return subset(str(tmp_path / "ds"))


def read(p):
    with open(p, "rb") as f:
        return f.read()


def test_shards_on_cluster_equal_single_run(client, cli, ds, tmp_path):
    import ebpc.dask_eval as de

    options = ["--formats", "fixed8,fixed16,float16", "--quirks"]
    single = tmp_path / "single"
    r = cli("eval", ds, *options, "--no-plots", "--threads", "1", "--out", single)
    assert r.returncode == 0
    assert len(client.scheduler_info()["workers"]) == 2
    for shards in (None, 3):  # None: one per worker thread (2)
        out = tmp_path / f"merged{shards}"
        printed = de.run_eval(client, [ds], str(out), shards=shards, options=options, plots=False,
                              cli=_find_cli())
        assert read(out / "results.csv") == read(single / "results.csv")
        assert read(out / "summary.md") == read(single / "summary.md")
        # The headline tables as the single run printed them (its last line names the directory).
        assert printed.rsplit("\n", 2)[0] == r.stdout.decode().rsplit("\n", 2)[0]


def test_errors(client, cli, ds, tmp_path):
    import ebpc.dask_eval as de

    out = tmp_path / "out"
    with pytest.raises(ebpc.Error, match="unknown format 'fixed9'"):
        de.run_eval(client, [ds], str(out), shards=2, options=["--formats", "fixed9"], cli=_find_cli())
    with pytest.raises(ebpc.Error, match="set by the driver"):
        de.run_eval(client, [ds], str(out), options=["--shard", "0/2"], cli=_find_cli())
    with pytest.raises(ebpc.Error, match="manifest.json"):
        de.run_eval(client, [str(tmp_path / "nothing")], str(out), shards=2, cli=_find_cli())
    assert not out.exists()
