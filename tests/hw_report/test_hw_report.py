#!/usr/bin/python3
"""The report parsers of rtl/synth/hw_report.py on captured tool output (samples/): nextpnr-ice40
0.4's log, YoWASP Yosys 0.55's stat of an iCE40 netlist, a placed qflow DEF and the OSU018 LEF
macros it uses, an OpenSTA report, a qrouter log and a small qrouter RC file with its netlist
and the SPEF it gives. No tool is run.

usage: test_hw_report.py [HW_REPORT]   (default: rtl/synth/hw_report.py of this checkout)
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "samples")
SCRIPT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "rtl", "synth", "hw_report.py")


def run(*args, stdin=None, expect_rc=0):
    res = subprocess.run([sys.executable, SCRIPT, *args], input=stdin, capture_output=True, text=True,
                         check=False)
    if res.returncode != expect_rc:
        raise AssertionError(f"hw_report.py {' '.join(args)}: rc {res.returncode}, stderr {res.stderr!r}")
    return res.stdout.strip()


def sample(name):
    return os.path.join(SAMPLES, name)


def check(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")
    print(f"ok   {what}: {got}")


def main():
    # nextpnr: utilisation, and the last (post-route) fmax of the log
    check(run("nextpnr-util", sample("nextpnr_ice40.log")), "1134 7680", "nextpnr-util")
    check(run("nextpnr-fmax", sample("nextpnr_ice40.log")), "57.84", "nextpnr-fmax")
    with open(sample("nextpnr_ice40.log"), encoding="utf-8") as f:
        check(run("nextpnr-fmax", stdin=f.read()), "57.84", "nextpnr-fmax from stdin")
    # a design that misses the target (--timing-allow-fail): the routed fmax on an ERROR line
    check(run("nextpnr-fmax", sample("nextpnr_ice40_slow.log")), "44.66", "nextpnr-fmax, target missed")
    # a design larger than the device: utilisation over the LCs there are, no fmax
    check(run("nextpnr-util", sample("nextpnr_ice40_overfull.log")), "9124 7680", "nextpnr-util, overfull")
    check(run("nextpnr-fmax", sample("nextpnr_ice40_overfull.log")), "-", "nextpnr-fmax, overfull")
    # yosys stat: LUT4, every SB_DFF* kind, SB_CARRY
    check(run("yosys-ice40", sample("yosys_ice40_stat.txt")), "1012 274 47", "yosys-ice40")
    # DEF: cells by LEF size, FILL cells left out, die from DIEAREA (UNITS 100)
    check(run("def-area", sample("placed.def"), sample("cells.lef")), "232 7776 4", "def-area")
    # OpenSTA: the first path's arrival (ideal clock), 1000 ns less the last path's slack
    check(run("sta-period", sample("opensta_report.txt"), "1000"), "4.193 4.418", "sta-period")
    run("sta-period", sample("nextpnr_ice40.log"), "1000", expect_rc=1)
    # qrouter's RC trees as SPEF: nets named by their driver pin in the netlist, ports as *P
    with open(sample("routed.spef"), encoding="utf-8") as f:
        want = f.read().strip()
    check(run("rc-to-spef", sample("routed.rc"), sample("routed.v"), "t") == want, True, "rc-to-spef")
    # qrouter: nets left and the stage of a run cut short
    check(run("route-progress", sample("qrouter_route.log")), "1050 nets left in stage1", "route-progress")
    run(expect_rc=2)
    print("hw_report parsers: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
