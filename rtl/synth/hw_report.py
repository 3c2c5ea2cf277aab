#!/usr/bin/python3
"""Report parsers of rtl/synth/fpga.sh and rtl/synth/pnr.sh (docs/hardware.md, "iCE40" and
"Place and route").

usage: hw_report.py COMMAND [ARGS]   (reads stdin where no file is named)
  nextpnr-util [LOG]        nextpnr-ice40's utilisation: "LCS LUTS DFFS CARRY LCS_AVAIL"
  nextpnr-fmax [LOG]        the last "Max frequency for clock" of the log, in MHz ("-" if none)
  yosys-ice40 [STAT]        yosys stat of an iCE40 netlist: "LUT4 DFF CARRY"
  def-area DEF LEF          placed standard-cell area (fill cells left out), die area in
                            um^2, and the number of placed cells: "CELL DIE CELLS"
  sta-arrival [STA]         data arrival time of the first path of an OpenSTA report
  route-progress [LOG]      the last "nets remaining" of a qrouter log, as a phrase
"""
import re
import sys


def read(args, i=0):
    if len(args) > i and args[i] != "-":
        with open(args[i], encoding="utf-8", errors="replace") as f:
            return f.read()
    return sys.stdin.read()


def nextpnr_util(text):
    """Counts of nextpnr's "Device utilisation" block (the last one in the log)."""
    block = text.rsplit("Device utilisation:", 1)
    if len(block) < 2:
        raise SystemExit("hw_report: no 'Device utilisation' in the nextpnr log")
    used = {}
    for m in re.finditer(r"^\s*Info:\s+(\w+):\s+(\d+)/\s*(\d+)", block[1], re.M):
        used.setdefault(m.group(1), (int(m.group(2)), int(m.group(3))))
    lc, lc_avail = used.get("ICESTORM_LC", (0, 0))
    return lc, lc_avail


def yosys_ice40(text):
    """LUT4, flip-flop and carry counts of the last yosys stat of an iCE40 netlist."""
    last = text.rsplit("Number of cells", 1)[-1]
    lut = dff = carry = 0
    for m in re.finditer(r"^\s*(\d+)\s+(?:[\d.]+\s+)?(SB_\w+)\s*$|^\s*(SB_\w+)\s+(\d+)\s*$", last, re.M):
        name, n = (m.group(2), int(m.group(1))) if m.group(2) else (m.group(3), int(m.group(4)))
        if name == "SB_LUT4":
            lut += n
        elif name.startswith("SB_DFF"):
            dff += n
        elif name == "SB_CARRY":
            carry += n
    return lut, dff, carry


def nextpnr_fmax(text):
    found = re.findall(r"Max frequency for clock\s+'[^']*':\s+([\d.]+)\s+MHz", text)
    return found[-1] if found else "-"


def lef_sizes(lef_text):
    sizes = {}
    for m in re.finditer(r"^MACRO\s+(\S+)(.*?)^END\s+\1", lef_text, re.M | re.S):
        s = re.search(r"^\s*SIZE\s+([\d.]+)\s+BY\s+([\d.]+)", m.group(2), re.M)
        if s:
            sizes[m.group(1)] = float(s.group(1)) * float(s.group(2))
    return sizes


def def_area(def_text, lef_text):
    """Standard-cell area of the placed cells (FILL cells left out), die area, cell count."""
    units = re.search(r"UNITS\s+DISTANCE\s+MICRONS\s+(\d+)", def_text)
    scale = float(units.group(1)) if units else 100.0
    die = re.search(r"DIEAREA\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)", def_text)
    if not die:
        raise SystemExit("hw_report: no DIEAREA in the DEF")
    x0, y0, x1, y1 = (int(v) for v in die.groups())
    die_um2 = (x1 - x0) * (y1 - y0) / scale / scale
    sizes = lef_sizes(lef_text)
    comps = re.search(r"^COMPONENTS\s+\d+\s*;(.*?)^END\s+COMPONENTS", def_text, re.M | re.S)
    cell = 0.0
    count = 0
    for m in re.finditer(r"^\s*-\s+(\S+)\s+(\S+)", comps.group(1) if comps else "", re.M):
        macro = m.group(2)
        if macro.upper().startswith("FILL"):
            continue
        cell += sizes.get(macro, 0.0)
        count += 1
    return cell, die_um2, count


def sta_arrival(text):
    m = re.search(r"^\s*(-?[\d.]+)\s+data arrival time", text, re.M)
    if not m:
        raise SystemExit("hw_report: no data arrival time in the OpenSTA report")
    return m.group(1)


def route_progress(text):
    """The last count of unrouted nets in a qrouter log, and the routing stage it was in."""
    found = re.findall(r"Nets remaining:\s*(\d+)", text)
    stages = re.findall(r"Running (stage\d) routing", text)
    if not found:
        return "no progress line"
    return f"{found[-1]} nets left in {stages[-1]}" if stages else f"{found[-1]} nets left"


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "nextpnr-util":
        text = read(args)
        lc, lc_avail = nextpnr_util(text)
        print(lc, lc_avail)
    elif cmd == "nextpnr-fmax":
        print(nextpnr_fmax(read(args)))
    elif cmd == "yosys-ice40":
        print(*yosys_ice40(read(args)))
    elif cmd == "def-area":
        with open(args[0], encoding="utf-8") as d, open(args[1], encoding="utf-8") as l:
            cell, die, count = def_area(d.read(), l.read())
        print(f"{cell:.0f} {die:.0f} {count}")
    elif cmd == "sta-arrival":
        print(sta_arrival(read(args)))
    elif cmd == "route-progress":
        print(route_progress(read(args)))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
