#!/usr/bin/env bash
# ASIC place and route of the lane tops on the OSU 0.18 um cells (docs/hardware.md, "Place and
# route (`make hw-pnr`)"): the pinned YoWASP Yosys 0.55 maps the whole top flat (the script of
# qflow's own synthesis step, plain abc), qflow 1.3's tools do the rest: ypostproc and
# blifFanout (buffering and sizing by fanout, the clock tree included), graywolf (placement),
# qrouter (routing; with -d it writes the RC tree of every routed net). hw_report.py turns
# those RC trees into SPEF, and OpenSTA times the routed netlist with them (wire R and C: the
# cells' loads and the wires' delays): the worst register-to-register path with an ideal clock
# (arrival, as rtl/synth/synth.sh reports it) and with the routed clock tree propagated
# (minimum period: launch and capture clock latency, path and setup).
#
# usage: rtl/synth/pnr.sh [OUTDIR]            (default build/pnr; needs node/npm, qflow, sta)
# env:   PNR_CONFIGS="ebpc_encoder_lanes:8:8:1 ..."  TOP:W:B:LANES to run (default: both lane
#                                                    tops, W = B = 8, LANES 1 and 4)
#        PNR_ROUTE_TIMEOUT=900                        seconds qrouter may take per top
#        PNR_PLACE_FAST=10                            graywolf's TWSC*fast: its annealing makes
#                                                     1/N of its default moves (1: the default)
#        PNR_ROUTE_CLEANUP=1                          0: qrouter skips its stage 3 (rip-up and
#                                                     reroute of every routed net for shorter
#                                                     wires), routing ends once every net is
#                                                     routed (stages 1 and 2)
#        PNR_ROUTE_ONLY=0                             1: route and time the placement already in
#                                                     OUTDIR again (no synthesis, no placement)
#        PNR_TSV=FILE                                 also write the table as TSV to FILE
# Prints one table row per config; OUTDIR/<top>_w<W>_b<B>_l<LANES>/ is the qflow project
# (log/ holds place.log, route.log; sta.txt the post-route timing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(dirname "$here")
out=${1:-build/pnr}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tech=/usr/share/qflow/tech/osu018
lib=$tech/osu018_stdcells.lib
lef=$tech/osu018_stdcells.lef
qbin=/usr/lib/qflow/bin
qscripts=/usr/lib/qflow/scripts
[ -f "$lib" ] || { echo "pnr.sh: $lib missing (make deps-hw)" >&2; exit 1; }
[ -x "$qscripts/placement.sh" ] || { echo "pnr.sh: qflow missing (make deps-hw)" >&2; exit 1; }
command -v sta >/dev/null || { echo "pnr.sh: sta missing (make deps)" >&2; exit 1; }
if [ ! -d "$here/node_modules/@yowasp/yosys" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
configs=${PNR_CONFIGS:-"ebpc_encoder_lanes:8:8:1 ebpc_decoder_lanes:8:8:1 ebpc_encoder_lanes:8:8:4 ebpc_decoder_lanes:8:8:4"}
route_timeout=${PNR_ROUTE_TIMEOUT:-900}
place_fast=${PNR_PLACE_FAST:-10}
route_cleanup=${PNR_ROUTE_CLEANUP:-1}
route_only=${PNR_ROUTE_ONLY:-0}
tsv=${PNR_TSV:-}
parse="/usr/bin/python3 $here/hw_report.py"

# yosys_map TOP W B LANES DIR: the top, flat, in OSU018 cells as DIR/TOP_mapped.blif (the
# commands of qflow's synthesize.sh, with plain abc) and DIR/stat.txt.
yosys_map() {
  local top=$1 w=$2 b=$3 lanes=$4 dir=$5
  local srcs names
  mapfile -t srcs < <(sed "s|^|$rtl/|" "$rtl/$top.f")
  names=$(for f in "${srcs[@]}"; do basename "$f"; done | tr '\n' ' ')
  cat >"$dir/map.ys" <<YS
read_liberty -lib -ignore_miss_dir -setattr blackbox osu018_stdcells.lib
read_verilog -sv $names
chparam -set W $w -set B $b -set LANES $lanes $top
synth -flatten -top $top
select -assert-none t:\$dlatch t:\$adlatch t:\$_DLATCH_*
dfflibmap -liberty osu018_stdcells.lib
opt
abc -liberty osu018_stdcells.lib
flatten
setundef -zero
clean -purge
iopadmap -outpad BUFX2 A:Y -bits
opt
clean
rename -enumerate
tee -q -o stat.txt stat -liberty osu018_stdcells.lib
write_blif -buf BUFX2 A Y ${top}_mapped.blif
YS
  node "$here/run_yosys.mjs" "$dir/map.ys" "$dir" "${srcs[@]}" "$lib" >/dev/null
}

# postproc TOP DIR: qflow's synthesis post-processing of DIR/TOP_mapped.blif into DIR/TOP.blif
# (ypostproc, blif syntax, blifFanout until no gate changes) and the netlist
# DIR/TOP.rtlnopwr.v.
postproc() {
  local top=$1 dir=$2
  (
    cd "$dir"
    printf 'set vddnet="vdd"\nset gndnet="gnd"\n' >"${top}_powerground"
    # qflow's blif readers take any ".end" for the end of the model, also inside a net name
    # (u_pack.ended_q): such a name's dot becomes an underscore
    sed -i -e 's/\.end\([A-Za-z0-9_]\)/_end\1/g' "${top}_mapped.blif"
    "$qscripts/ypostproc.tcl" "${top}_mapped.blif" "$top" "$tech/osu018.sh" vdd gnd >log/postproc.log 2>&1
    sed -e '/LOGIC0/s/O=/A=gnd Y=/' -e '/LOGIC0/s/LOGIC0/BUFX2/' \
        -e '/LOGIC1/s/O=/A=vdd Y=/' -e '/LOGIC1/s/LOGIC1/BUFX2/' \
        -e 's/\\\([^$]\)/\1/g' -e 's/$techmap//g' \
        -e 's/$0\([^ \t<]*\)<[0-9]*:[0-9]*>\([^ \t]*\)/\1\2_FF_INPUT/g' \
        "${top}_mapped_tmp.blif" >"$top.blif"
    printf 'gnd\nvdd\n' >"${top}_nofanout"
    local changed=1 rounds=0
    while [ "${changed:-0}" -gt 0 ] && [ $rounds -lt 20 ]; do
      mv "$top.blif" tmp.blif
      changed=$("$qbin/blifFanout" -l 100 -c 20 -I "${top}_nofanout" -s nullstring -p "$lib" \
        -b BUFX2,CLKBUF1 -i A,A -o Y,Y tmp.blif "$top.blif" 2>&1 | tee -a log/postproc.log |
        awk '/changed:/ {print $5}')
      rounds=$((rounds + 1))
    done
    "$qbin/blif2Verilog" -c -p -v vdd -g gnd "$top.blif" >"$top.rtlnopwr.v"
  )
}

printf '%-18s %3s %3s %5s %11s %11s %9s %6s %6s %8s %9s %9s %5s %s\n' top W B LANES "synth um^2" "placed um^2" \
  "die um^2" "util%" cells "route s" "ideal ns" "period ns" MHz status
[ -z "$tsv" ] || printf 'top\tW\tB\tLANES\tplace_fast\troute_cleanup\tsynth_area_um2\tcell_area_um2\tdie_area_um2\tutil_pct\tcells\troute_s\treg_to_reg_ideal_ns\tmin_period_ns\tfmax_mhz\tstatus\n' >"$tsv"
for cfg in $configs; do
  IFS=: read -r top w b lanes <<<"$cfg"
  dir="$out/${top}_w${w}_b${b}_l${lanes}"
  if [ "$route_only" = 1 ]; then
    [ -f "$dir/${top}_unroute.def" ] || { echo "pnr.sh: no placement in $dir" >&2; exit 1; }
  else
    rm -rf "$dir"
    mkdir -p "$dir/log"
    cat >"$dir/qflow_vars.sh" <<VARS
#!/usr/bin/tcsh -f
set projectpath=$dir
set techdir=$tech
set sourcedir=$dir
set synthdir=$dir
set layoutdir=$dir
set techname=osu018
set scriptdir=$qscripts
set bindir=$qbin
set logdir=$dir/log
VARS
    printf '#!/usr/bin/tcsh -f\n' >"$dir/project_vars.sh"
    # graywolf's parameters: the tech's (rows, layers), and its annealing's moves per cell and
    # temperature divided by PNR_PLACE_FAST
    cp "$tech/osu018.par" "$dir/$top.par"
    [ "$place_fast" = 1 ] || printf 'TWSC*fast : %s\n' "$place_fast" >>"$dir/$top.par"
    yosys_map "$top" "$w" "$b" "$lanes" "$dir"
    echo "synthesis: rtl/synth/pnr.sh (YoWASP Yosys)" >"$dir/log/synth.log"
    postproc "$top" "$dir"
  fi
  synth_area=$(awk '/Chip area/ {print $NF; exit}' "$dir/stat.txt")
  status=routed
  if [ "$route_only" != 1 ]; then
    (cd "$dir" && timeout "${PNR_PLACE_TIMEOUT:-2400}" "$qscripts/placement.sh" -d "$dir" "$top" >/dev/null 2>&1) ||
      status=unplaced
  fi
  if [ "$route_cleanup" = 0 ] && [ "$status" = routed ]; then
    # qrouter::standard_route's third argument: no cleanup stage
    sed -i 's/^\(qrouter::standard_route [^ ]* false\)$/\1 true/' "$dir/$top.cfg"
  fi
  route_s=-
  if [ "$status" = routed ]; then
    t0=$(date +%s)
    if ! (cd "$dir" && timeout "$route_timeout" "$qscripts/router.sh" "$dir" "$top" >/dev/null 2>&1); then
      status="unrouted after ${route_timeout} s ($($parse route-progress "$dir/log/route.log"))"
    fi
    route_s=$(( $(date +%s) - t0 ))
    [ "$status" != routed ] || [ "$route_cleanup" != 0 ] || status="routed (no stage 3)"
  fi
  cell_area=- die_area=- cells=- util=-
  if [ -f "$dir/$top.def" ]; then
    read -r cell_area die_area cells < <($parse def-area "$dir/$top.def" "$lef")
    util=$(awk -v c="$cell_area" -v d="$die_area" 'BEGIN {printf "%.1f", 100 * c / d}')
  fi
  ideal=- period=- fmax=-
  if [ "${status%% *}" = routed ]; then
    # the routed netlist: the blif with placement's buffer annotation (the router's own
    # rtlnopwr.v carries its fill cells, which no timing needs)
    anno="$dir/${top}_anno.blif"
    [ -f "$anno" ] || anno="$dir/$top.blif"
    "$qbin/blif2Verilog" -c -p -v vdd -g gnd "$anno" >"$dir/$top.routed.v"
    $parse rc-to-spef "$dir/$top.rc" "$dir/$top.routed.v" "$top" >"$dir/$top.spef" 2>"$dir/log/spef.log"
    cat >"$dir/sta.tcl" <<TCL
read_liberty $lib
read_verilog $dir/$top.routed.v
link_design $top
read_spef $dir/$top.spef
create_clock -name clk -period 1000 [get_ports clk_i]
report_checks -from [all_registers -clock_pins] -to [all_registers -data_pins] -path_delay max -digits 3
set_propagated_clock [all_clocks]
report_checks -from [all_registers -clock_pins] -to [all_registers -data_pins] -path_delay max -digits 3
exit
TCL
    sta -no_splash -exit "$dir/sta.tcl" >"$dir/sta.txt" 2>&1 || sta "$dir/sta.tcl" >"$dir/sta.txt" 2>&1 </dev/null || true
    read -r ideal period < <($parse sta-period "$dir/sta.txt" 1000)
    fmax=$(awk -v t="$period" 'BEGIN {printf "%.0f", 1000 / t}')
  fi
  printf '%-18s %3s %3s %5s %11.0f %11s %9s %6s %6s %8s %9s %9s %5s %s\n' "$top" "$w" "$b" "$lanes" "$synth_area" \
    "$cell_area" "$die_area" "$util" "$cells" "$route_s" "$ideal" "$period" "$fmax" "$status"
  [ -z "$tsv" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$top" "$w" "$b" \
    "$lanes" "$place_fast" "$route_cleanup" "$synth_area" "$cell_area" "$die_area" "$util" "$cells" "$route_s" "$ideal" "$period" "$fmax" "$status" >>"$tsv"
done
