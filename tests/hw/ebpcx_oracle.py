#!/usr/bin/python3
"""The C++ EBPC-X model (`ebpc hw ebpcx`, src/hw/ebpcx_*.cpp) against its oracle, the
study's Python ABAC (bench/ebpcx_study.py abac_encode / abac_bins), on real fixed8 maps and
on inputs in the other three formats made from one of them (wide classes, so that the
unary escape, the sign bit and -0.0 occur): the range coder's bytes, the raw stream, base,
the sign flag, the coded size in bits and the number of context-coded bins must be equal.

Usage: ebpcx_oracle.py CLI [MAP.npy ...]   (exit 0: all equal, 1: a difference, 77: no numpy)
Run by ctest (hw_ebpcx_oracle); about 10 s.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy not available: skipped")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import ebpcx_study as X  # noqa: E402

SAMPLE = os.path.join(ROOT, "data", "fmaps-sample", "mobilenet_v2-kite")
DEFAULT_MAPS = ["block_13_depthwise_relu", "dense_1", "block_6_depthwise_relu", "block_16_expand_relu",
                "block_3_depthwise_relu", "out_relu"]


def synthetic(work):
    """(path, fmt, array) in the four formats, from a crop of a real layer."""
    a = np.load(os.path.join(SAMPLE, "block_3_expand_relu.fixed8.npy"))[:12, :20, :21].copy()
    a[3] = 0
    rng = np.random.default_rng(21)
    flip = np.where(rng.random(a.shape) < 0.5, -1, 1)
    signed8 = (a.astype(np.int16) * flip).astype(np.int8)
    # fixed16 over all 16 classes (escapes for |class - base| >= 7), signed, -32768 included
    mag16 = np.where(a > 0, np.floor(2.0 ** rng.uniform(0, 15, a.shape)), 0).astype(np.int64)
    f16 = np.clip(mag16 * flip, -32768, 32767).astype(np.int16)
    f16.flat[5] = -32768
    f = (signed8.astype(np.float32) / 9.0) * (2.0 ** rng.integers(-20, 20, a.shape))
    with np.errstate(over="ignore"):
        h = f.astype(np.float16)  # some overflow to +-inf: class 32
    h.flat[7] = np.float16(-0.0)
    bf = X.f32_to_bf16_bits(f.astype(np.float32) * np.float32(2.0 ** 60))
    out = []
    for name, fmt, arr in (("syn_fixed8_signed", "fixed8", signed8), ("syn_fixed16", "fixed16", f16),
                           ("syn_float16", "float16", h), ("syn_bfloat16", "bfloat16", bf)):
        p = os.path.join(work, name + ".npy")
        np.save(p, arr)
        out.append((p, fmt, arr))
    return out


def raw_string(raw_bytes, nbits):
    return "".join(format(b, "08b") for b in raw_bytes)[:nbits]


def run_cli(cli, files, fmt, streams):
    args = [cli, "hw", "ebpcx", "--json", "--streams", streams]
    if fmt == "bfloat16":
        args += ["--format", "bfloat16"]
    r = subprocess.run(args + files, check=True, capture_output=True, text=True)
    return {f["name"]: f["report"] for f in json.loads(r.stdout)["files"]}


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    cli = sys.argv[1]
    maps = sys.argv[2:] or [os.path.join(SAMPLE, m + ".fixed8.npy") for m in DEFAULT_MAPS]
    bad = 0
    with tempfile.TemporaryDirectory() as work:
        cases = [(p, "fixed8", np.load(p)) for p in maps] + synthetic(work)
        streams = os.path.join(work, "streams")
        reports = {}
        for fmt in X.FORMATS:
            files = [p for p, f, _ in cases if f == fmt]
            if files:
                reports.update(run_cli(cli, files, fmt, streams))
        for path, fmt, arr in cases:
            w = X.as3(arr)
            total, (data, raw, base, signed) = X.abac_encode(w, fmt, want_streams=True)
            nbins = len(X.abac_bins(w, fmt)[1])
            rep = reports[path]
            lane = rep["lane_reports"][0]
            stem = os.path.basename(path)[:-len(".npy")]
            cpp_range = open(os.path.join(streams, stem + ".range"), "rb").read()
            cpp_raw = raw_string(open(os.path.join(streams, stem + ".raw"), "rb").read(), lane["raw_bits"])
            checks = {
                "coded bits": (rep["coded_bits"], total),
                "range bytes": (cpp_range == bytes(data), True),
                "raw stream": (cpp_raw == raw, True),
                "raw bits": (lane["raw_bits"], len(raw)),
                "base": (lane["base"], base),
                "sign flag": (int(lane["signed"]), signed),
                "context bins": (rep["context_bins"], nbins),
            }
            diff = {k: v for k, v in checks.items() if v[0] != v[1]}
            status = "ok" if not diff else "DIFFERENT " + repr(diff)
            print("%-45s %-8s %8d words %9d bits (python %9d) bins %8d: %s" % (
                os.path.basename(path), fmt, w.size, rep["coded_bits"], total, nbins, status))
            bad += bool(diff)
    print("%d of %d maps differ" % (bad, len(cases)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
