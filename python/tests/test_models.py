"""The tfjs -> torch converter on nsfwjs's MobileNetV2 (real weights) against the shipped
dataset, whose activations tools/extract computed with tfjs (stored as float16), and
ebpc.torch.profile on the converted model against ebpc eval on the same photo.
Needs tools/extract/node_modules (npm ci --prefix tools/extract); make test-python
installs it and sets EBPC_REQUIRE_MODELS so these cannot be skipped there."""
import csv
import json
import os
import subprocess

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ebpc.torch as et

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "data", "mobilenet_v2")
PHOTO = os.path.join(ROOT, "tests", "extract", "rocket.jpg")  # the photo of the shipped activations


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    if not os.path.isdir(os.path.join(ROOT, "tools", "extract", "node_modules", "nsfwjs")):
        if os.environ.get("EBPC_REQUIRE_MODELS"):
            pytest.fail("tools/extract/node_modules missing (npm ci --prefix tools/extract)")
        pytest.skip("tools/extract/node_modules missing (npm ci --prefix tools/extract)")
    d = str(tmp_path_factory.mktemp("mobilenet_v2"))
    et.models.export_nsfwjs("mobilenet_v2", d, [PHOTO], node_modules=os.path.join(ROOT, "tools", "extract", "node_modules"))
    return d


def load_map(path):
    raw = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout if path.endswith(".zst") \
        else open(path, "rb").read()
    import io
    return np.load(io.BytesIO(raw))


def rocket_files():
    with open(os.path.join(DATA, "manifest.json")) as f:
        m = json.load(f)
    return m, [f for f in m["files"] if f["kind"] == "activation" and f["image"] == "rocket"]


def test_activations_match_tfjs(exported):
    model = et.models.load_tfjs(exported).eval()
    x = et.models.preprocess_nsfwjs(et.models.load_rgb(os.path.join(exported, "rocket")))
    cap = {}
    with torch.no_grad():
        model(x, capture=cap)
    _, files = rocket_files()
    assert len(files) == 37
    worst = 0.0
    for f in files:
        ref = load_map(os.path.join(DATA, f["path"]))
        ours = cap[f["layer"]][0].numpy()
        assert ours.shape == ref.shape, f["layer"]
        # Relative to the layer's largest value; float16 storage alone is up to 2^-11.
        rel = float(np.abs(ours - ref.astype(np.float32)).max() / np.abs(ref.astype(np.float32)).max())
        worst = max(worst, rel)
        assert rel < 2e-3, (f["layer"], rel)
        # Rounded to float16 as the extractor stores them, nearly every value is the same.
        same = float((ours.astype(np.float16) == ref).mean())
        assert same > 0.97, (f["layer"], same)
    print(f"max relative difference over the 37 layers: {worst:.3g}")


def test_profile_matches_ebpc_eval_on_shipped_dataset(exported, cli, tmp_path):
    model = et.models.load_tfjs(exported)
    x = et.models.preprocess_nsfwjs(et.models.load_rgb(os.path.join(exported, "rocket")))
    formats = ("fixed8", "fixed16", "float16")
    r = et.profile(model, x, formats=formats, gradients=False, train=False, images=["rocket"])
    # ebpc eval on the shipped activations of the same photo (a manifest of those files only).
    m, files = rocket_files()
    for f in files:
        f["path"] = os.path.join(DATA, f["path"])
    sub = dict(m, images=[i for i in m["images"] if i["name"] == "rocket"], files=files)
    os.makedirs(tmp_path / "ds")
    (tmp_path / "ds" / "manifest.json").write_text(json.dumps(sub))
    cli("eval", tmp_path / "ds", "--out", tmp_path / "res", "--formats", ",".join(formats), "--no-plots", "-q",
        "--allow-outside-paths")
    sums = {}
    with open(tmp_path / "res" / "results.csv") as fh:
        for row in csv.DictReader(fh):
            s = sums.setdefault((row["format"], row["codec"]), [0, 0])
            s[0] += int(row["uncompressed_bits"])
            s[1] += int(row["compressed_bits"])
    worst = 0.0
    for t in r["total"]:
        unc, comp = sums[(t["format"], t["codec"])]
        assert t["uncompressed_bits"] == unc
        rel = abs(t["ratio"] / (unc / comp) - 1)
        worst = max(worst, rel)
        assert rel < 0.01, (t["format"], t["codec"], t["ratio"], unc / comp)
    print(f"profile vs ebpc eval: worst total-ratio difference {worst:.3%}")
