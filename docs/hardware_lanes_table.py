#!/usr/bin/python3
"""Prints the cycle tables of docs/hardware.md "Lanes": `ebpc hw sim --design ours --lanes P
--json` for P = 1, 2, 4, 8 on the 37 fixed8 layers of data/fmaps-sample (outputs ready, no
bubbles), per layer and summarised per P.

usage: docs/hardware_lanes_table.py [path/to/ebpc]   (default build/release/tools/ebpc/ebpc)
"""
import glob
import json
import os
import statistics
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ebpc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build/release/tools/ebpc/ebpc")
files = sorted(glob.glob(os.path.join(root, "data/fmaps-sample/mobilenet_v2-kite/*.fixed8.npy")))
lanes = (1, 2, 4, 8)
runs = {p: json.loads(subprocess.run([ebpc, "hw", "sim", "--design", "ours", "--lanes", str(p), "--json", *files],
                                     check=True, capture_output=True, text=True).stdout) for p in lanes}

print("| layer | N | lanes at P = 2 / 4 / 8 | encoder w/c, P = 1 / 2 / 4 / 8 | decoder w/c, P = 1 / 2 / 4 / 8 |")
print("| --- | ---: | :---: | --- | --- |")
for i, f in enumerate(runs[1]["files"]):
    name = os.path.basename(f["name"]).replace(".fixed8.npy", "")
    count = " / ".join(str(runs[p]["files"][i]["lanes"]["count"]) for p in lanes[1:])
    enc = " / ".join(f"{runs[p]['files'][i]['encoder']['words_per_cycle']:.3f}" for p in lanes)
    dec = " / ".join(f"{runs[p]['files'][i]['decoder']['words_per_cycle']:.3f}" for p in lanes)
    print(f"| {name} | {f['words']} | {count} | {enc} | {dec} |")
print()
print("| P | layers with P lanes | encoder w/c there: min / median | decoder w/c there: min / median "
      "| most cycles over the longest lane (all layers): enc / dec | all 37 layers: enc / dec cycles (w/c) |")
print("| ---: | ---: | --- | --- | --- | --- |")
for p in lanes:
    fs = runs[p]["files"]
    full = [x for x in fs if x["lanes"]["count"] == p]
    e = [x["encoder"]["words_per_cycle"] for x in full]
    d = [x["decoder"]["words_per_cycle"] for x in full]
    over_e = max(x["encoder"]["cycles"] - max(x["lanes"]["words"]) for x in fs)
    over_d = max(x["decoder"]["cycles"] - max(x["lanes"]["words"]) for x in fs)
    t = runs[p]["total"]
    print(f"| {p} | {len(full)} | {min(e):.3f} / {statistics.median(e):.3f} | {min(d):.3f} / "
          f"{statistics.median(d):.3f} | {over_e} / {over_d} | {t['encoder']['cycles']} / {t['decoder']['cycles']} "
          f"({t['encoder']['words_per_cycle']:.3f} / {t['decoder']['words_per_cycle']:.3f}) |")
