#!/usr/bin/python3
"""Report parsers of rtl/synth/fpga.sh and rtl/synth/pnr.sh (docs/hardware.md, "iCE40" and
"Place and route").

usage: hw_report.py COMMAND [ARGS]   (reads stdin where no file is named)
  nextpnr-util [LOG]        nextpnr-ice40's utilisation: "LCS LUTS DFFS CARRY LCS_AVAIL"
  nextpnr-fmax [LOG]        the last "Max frequency for clock" of the log, in MHz ("-" if none)
  yosys-ice40 [STAT]        yosys stat of an iCE40 netlist: "LUT4 DFF CARRY"
  def-area DEF LEF          placed standard-cell area (fill cells left out), die area in
                            um^2, and the number of placed cells: "CELL DIE CELLS"
  sta-period STA PERIOD     of an OpenSTA report of two paths (ideal clock, then propagated):
                            "ARRIVAL MIN_PERIOD", the first path's data arrival time and
                            PERIOD minus the last path's slack
  route-progress [LOG]      the last "nets remaining" of a qrouter log and its stage, as a
                            phrase (stage 3 after "No failed routes!" is the cleanup of a
                            complete routing)
  rc-to-spef RC VERILOG TOP the RC trees of qrouter's delay file (-d) as SPEF on stdout, net
                            names those of the netlist VERILOG (blif2Verilog's), found by each
                            net's driver pin
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


def sta_period(text, period):
    """First path's data arrival; the clock period less the last path's slack."""
    arrival = re.search(r"^\s*(-?[\d.]+)\s+data arrival time", text, re.M)
    slacks = re.findall(r"^\s*(-?[\d.]+)\s+slack \((?:MET|VIOLATED)\)", text, re.M)
    if not arrival or not slacks:
        raise SystemExit("hw_report: no data arrival time or slack in the OpenSTA report")
    return arrival.group(1), f"{period - float(slacks[-1]):.3f}"


def route_progress(text):
    """The last count of unrouted nets in a qrouter log, and the routing stage it was in."""
    found = re.findall(r"Nets remaining:\s*(\d+)", text)
    stages = re.findall(r"Running (stage\d) routing", text)
    if not found:
        return "no progress line"
    if stages and stages[-1] == "stage3" and "No failed routes!" in text:
        return f"every net routed in stage2, cut in stage3 (cleanup) with {found[-1]} nets to go"
    return f"{found[-1]} nets left in {stages[-1]}" if stages else f"{found[-1]} nets left"


def verilog_pins(text):
    """Instance pin -> net and the port directions of a flat blif2Verilog netlist."""
    pins = {}
    for m in re.finditer(r"^\s*\w+\s+(\S+)\s*\((.*?)\);", text, re.M | re.S):
        for p in re.finditer(r"\.(\w+)\(\s*([^)\s]+)\s*\)", m.group(2)):
            pins[(m.group(1), p.group(1))] = p.group(2)
    ports = {}
    for m in re.finditer(r"^\s*(input|output)\s+(?:\[(\d+):(\d+)\]\s+)?(\w+)\s*;", text, re.M):
        ports[m.group(4)] = m.group(1)
    return pins, ports


def rc_tokens(line):
    return re.findall(r"\(|\)|,|[^\s(),]+", line)


def rc_to_spef(rc_text, verilog_text, top):
    """qrouter's RC trees as SPEF. A tree is "( R C item, item ... )", an item a sink pin
    (INST/PIN, PIN/port) or a subtree: R (ohm) from the parent node to a new node that holds
    C (pF, the wire's) and the sinks named in the item list. Each pin is connected once, so
    the network stays a tree."""
    pins, ports = verilog_pins(verilog_text)
    out = ['*SPEF "IEEE 1481-1998"', f'*DESIGN "{top}"', '*DATE ""', '*VENDOR "ebpc"',
           '*PROGRAM "hw_report.py rc-to-spef"', '*VERSION "1"', '*DESIGN_FLOW "PIN_CAP NONE"',
           '*DIVIDER /', '*DELIMITER :', '*BUS_DELIMITER [ ]', '*T_UNIT 1 PS', '*C_UNIT 1 PF',
           '*R_UNIT 1 OHM', '*L_UNIT 1 HENRY', '']

    def pin_name(ref):
        inst, _, pin = ref.rpartition("/")
        return (pin, True) if inst == "PIN" else (f"{inst}:{pin}", False)

    nets = 0
    for line in rc_text.splitlines():
        tok = rc_tokens(line)
        if len(tok) < 4 or tok[2] in "(),":
            continue
        driver = tok[2]
        inst, _, pin = driver.rpartition("/")
        net = pin if inst == "PIN" else pins.get((inst, pin))
        if net is None:
            continue
        caps, ress, conns = [], [], []
        dname, dport = pin_name(driver)
        conns.append(f"*P {dname} I" if dport else f"*I {dname} O")
        counter = [0]
        pos = [4]
        seen = {driver}

        def node():
            counter[0] += 1
            return f"{net}:{counter[0]}"

        def parse_items(parent):
            while pos[0] < len(tok):
                t = tok[pos[0]]
                if t == "(":
                    pos[0] += 1
                    parse_tree(parent)
                elif t == ",":
                    pos[0] += 1
                elif t == ")":
                    return
                else:
                    pos[0] += 1
                    # a pin ends the branch once; a name that is no pin (qrouter writes ERROR
                    # where it found no end of a route) or a pin seen before leaves the
                    # branch's node open, its wire capacitance kept
                    if "/" not in t or t in seen:
                        continue
                    seen.add(t)
                    sname, sport = pin_name(t)
                    conns.append(f"*P {sname} O" if sport else f"*I {sname} I")
                    ress.append((parent, sname, 0.001))

        def parse_tree(parent):
            # a zero-length segment gets the 1 mohm of a pin's connection, not 0 ohm
            r, c = max(float(tok[pos[0]]), 0.001), float(tok[pos[0] + 1])
            pos[0] += 2
            n = node()
            ress.append((parent, n, r))
            caps.append((n, c))
            parse_items(n)
            pos[0] += 1  # the tree's ")"

        parse_items(dname)
        total = sum(c for _, c in caps)
        out.append(f"*D_NET {net} {total:.6g}")
        out.append("*CONN")
        out.extend(conns)
        out.append("*CAP")
        out.extend(f"{i} {n} {c:.6g}" for i, (n, c) in enumerate(caps, 1))
        out.append("*RES")
        out.extend(f"{i} {a} {b} {r:.6g}" for i, (a, b, r) in enumerate(ress, 1))
        out.append("*END")
        out.append("")
        nets += 1
    return "\n".join(out) + "\n", nets


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
    elif cmd == "sta-period":
        print(*sta_period(read(args), float(args[1])))
    elif cmd == "rc-to-spef":
        with open(args[0], encoding="utf-8") as r, open(args[1], encoding="utf-8") as v:
            spef, nets = rc_to_spef(r.read(), v.read(), args[2])
        sys.stdout.write(spef)
        print(f"rc-to-spef: {nets} nets", file=sys.stderr)
    elif cmd == "route-progress":
        print(route_progress(read(args)))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
