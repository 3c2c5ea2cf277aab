"""ebpc.compress / ebpc.decompress throughput against `ebpc bench` on the same data, in
the same run (the binding should add under 10%).

Data: the 37 fixed8 MobileNetV2 maps of data/fmaps-sample (real activations), flattened
and concatenated, tiled REPEAT times into one int8 array (default 8: 47 MB), saved as .npy
for the CLI. Both sides code chunks of 2^18 words on one thread; the median of RUNS runs
is reported in MB/s of uncompressed bytes. ebpc.compress writes the full container (chunk
headers and an XXH64 checksum per chunk); ebpc bench times the bare codec.

Usage: PYTHONPATH=build/release/python /usr/bin/python3 python/bench/throughput.py \
         build/release/tools/ebpc/ebpc [REPEAT] [RUNS]
"""
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import ebpc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    cli = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    maps = [np.load(p).reshape(-1) for p in sorted(glob.glob(os.path.join(ROOT, "data/fmaps-sample/mobilenet_v2-kite/*.npy")))]
    a = np.tile(np.concatenate(maps), repeat)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.npy")
        np.save(path, a)
        bench = json.loads(subprocess.run([cli, "bench", path, "--codecs", "ebpc", "--threads", "1", "--repeat", str(runs),
                                           "--chunk-words", str(1 << 18), "--json"], check=True,
                                          capture_output=True).stdout)
        enc_t, dec_t = [], []
        buf = ebpc.compress(a, chunk_words=1 << 18, threads=1)
        out = np.empty_like(a)
        for _ in range(runs):
            t0 = time.perf_counter()
            buf = ebpc.compress(a, chunk_words=1 << 18, threads=1)
            enc_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ebpc.decompress(buf, out=out, threads=1)
            dec_t.append(time.perf_counter() - t0)
        assert np.array_equal(out, a)
        cli_t = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([cli, "compress", path, "-o", os.path.join(d, "big.ebpc"), "-f", "--threads", "1",
                            "--chunk-words", str(1 << 18)], check=True)
            cli_t.append(time.perf_counter() - t0)
        with open(os.path.join(d, "big.ebpc"), "rb") as f:
            assert f.read() == buf  # byte-identical to the CLI
        bench2 = json.loads(subprocess.run([cli, "bench", path, "--codecs", "ebpc", "--threads", "1", "--repeat", str(runs),
                                            "--chunk-words", str(1 << 18), "--json"], check=True,
                                           capture_output=True).stdout)
    mb = a.nbytes / 1e6
    py_enc, py_dec = mb / statistics.median(enc_t), mb / statistics.median(dec_t)
    print(f"{a.nbytes} bytes int8, ratio {a.nbytes / len(buf):.3f} (container), 1 thread, median of {runs}")
    print(f"ebpc.compress   {py_enc:8.1f} MB/s")
    print(f"ebpc.decompress {py_dec:8.1f} MB/s")
    print(f"ebpc compress (CLI, whole process: reads the .npy, writes the .ebpc) {mb / statistics.median(cli_t):8.1f} MB/s")
    for name, b in (("before", bench), ("after", bench2)):
        row = [r for r in b.get("codecs", b.get("results", [])) if r.get("codec", r.get("spec")) == "ebpc"]
        print(name, row)


if __name__ == "__main__":
    main()
