#!/usr/bin/env bash
# Area and timing of our EBPC RTL in one open flow (docs/hardware.md, "Our RTL"):
# YoWASP Yosys 0.55 (pinned in package-lock.json) -> OSU 0.18 um standard cells (Debian
# qflow-tech-osu018) -> OpenSTA (Debian opensta), worst register-to-register path.
#
# usage: rtl/synth/synth.sh [OUTDIR]          (default build/synth; needs node/npm, sta)
# env:   SYNTH_CONFIGS="ebpc_encoder:8:8 ..."  tops and W:B to run (default: both tops, W=8 and 16, B=8);
#                                              the lane tops as TOP:W:B:LANES (ebpc_encoder_lanes:8:8:4;
#                                              `make synth-lanes`: both lane tops, LANES 1, 2, 4, 8)
#        SYNTH_DELAYS="0 3500"                 abc -D targets in ps (0: plain abc, no -D)
# Prints one table row per top, W, B (LANES) and abc mode; OUTDIR/<top>_w<W>_b<B>_d<D>/ holds the
# netlists (netlist.v for STA, ports split; sim_netlist.v for simulation; hier_netlist.v, ports
# as buses, for a lane top's STA), yosys.log, stat.txt and sta.txt.
#
# A lane top (docs/hardware.md "Lanes") is synthesized bottom-up, as its lanes are independent:
# the lane engine (the single-lane top) by the flat flow above, exactly as on its own, in
# OUTDIR/<top>_w<W>_b<B>_l<LANES>_d<D>/engine/; the lane top's own logic (the join of the
# ports) with the engine as a black box; area and cells = the join's + LANES x the engine's;
# OpenSTA times the linked hierarchy (paths through the join included). So LANES = 1, whose
# join is wires only, has exactly the single-lane top's area.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(dirname "$here")
out=${1:-build/synth}
mkdir -p "$out"
out=$(cd "$out" && pwd)
lib=${OSU018_LIB:-/usr/share/qflow/tech/osu018/osu018_stdcells.lib}
[ -f "$lib" ] || { echo "synth.sh: $lib missing (apt-get install qflow-tech-osu018)" >&2; exit 1; }
command -v sta >/dev/null || { echo "synth.sh: sta missing (apt-get install opensta)" >&2; exit 1; }
if [ ! -d "$here/node_modules/@yowasp/yosys" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
configs=${SYNTH_CONFIGS:-"ebpc_encoder:8:8 ebpc_decoder:8:8 ebpc_encoder:16:8 ebpc_decoder:16:8"}
delays=${SYNTH_DELAYS:-"0 3500"}
nand2_um2=24   # NAND2X1 area of the OSU018 library, one gate equivalent

# synth_flat TOP W B D DIR [LANES_SET]: the flat flow of one top into DIR.
synth_flat() {
  local top=$1 w=$2 b=$3 d=$4 dir=$5
  mkdir -p "$dir"
  local srcs names dflag="" extra=()
  mapfile -t srcs < <(sed "s|^|$rtl/|" "$rtl/$top.f")
  names=$(for f in "${srcs[@]}"; do basename "$f"; done | tr '\n' ' ')
  if [ "$d" != 0 ]; then
    # timing-driven: delay target, and a driver/load so that abc buffers and sizes gates
    printf 'set_driving_cell BUFX2\nset_load 0.02\n' >"$dir/abc.constr"
    dflag="-D $d -constr abc.constr"
    extra=("$dir/abc.constr")
  fi
  cat >"$dir/synth.ys" <<YS
read_liberty -lib osu018_stdcells.lib
read_verilog -sv $names
chparam -set W $w -set B $b $top
synth -flatten -top $top
select -assert-none t:\$dlatch t:\$adlatch t:\$_DLATCH_*
dfflibmap -liberty osu018_stdcells.lib
abc -liberty osu018_stdcells.lib $dflag
opt_clean
check -assert
tee -q -o stat.txt stat -liberty osu018_stdcells.lib
write_verilog -noattr sim_netlist.v
design -save mapped
splitnets -ports
insbuf -buf BUFX2 A Y
write_verilog -noattr -noexpr netlist.v
design -load mapped
insbuf -buf BUFX2 A Y
write_verilog -noattr -noexpr hier_netlist.v
YS
  node "$here/run_yosys.mjs" "$dir/synth.ys" "$dir" "${srcs[@]}" "$lib" "${extra[@]}" >/dev/null
}

# synth_join TOP W B LANES D DIR ENGINE_DIR: a lane top's join logic, the engine a black box
# (its mapped netlist read as a library cell).
synth_join() {
  local top=$1 w=$2 b=$3 lanes=$4 d=$5 dir=$6 edir=$7 engine=${1%_lanes}
  mkdir -p "$dir"
  local dflag="" extra=()
  if [ "$d" != 0 ]; then
    printf 'set_driving_cell BUFX2\nset_load 0.02\n' >"$dir/abc.constr"
    dflag="-D $d -constr abc.constr"
    extra=("$dir/abc.constr")
  fi
  cp "$edir/sim_netlist.v" "$dir/engine_cell.v"
  cat >"$dir/synth.ys" <<YS
read_liberty -lib osu018_stdcells.lib
read_verilog -lib engine_cell.v
read_verilog -sv ebpc_pkg.sv $top.sv
chparam -set W $w -set B $b -set LANES $lanes $top
hierarchy -top $top
setparam -unset W -unset B -unset Z t:$engine
synth -flatten -top $top
select -assert-none t:\$dlatch t:\$adlatch t:\$_DLATCH_*
dfflibmap -liberty osu018_stdcells.lib
abc -liberty osu018_stdcells.lib $dflag
opt_clean
check -assert
tee -q -o stat.txt stat -liberty osu018_stdcells.lib
insbuf -buf BUFX2 A Y
write_verilog -noattr -noexpr netlist.v
YS
  node "$here/run_yosys.mjs" "$dir/synth.ys" "$dir" "$dir/engine_cell.v" "$rtl/ebpc_pkg.sv" "$rtl/$top.sv" "$lib" \
    "${extra[@]}" >/dev/null
}

printf '%-18s %3s %3s %5s %9s %12s %8s %7s %14s %9s\n' top W B LANES "abc -D" "area um^2" kGE cells "reg-to-reg ns" "fmax MHz"
for cfg in $configs; do
  IFS=: read -r top w b lanes <<<"$cfg"
  for d in $delays; do
    if [ -z "$lanes" ]; then
      dir="$out/${top}_w${w}_b${b}_d${d}"
      synth_flat "$top" "$w" "$b" "$d" "$dir"
      netlists="read_verilog $dir/netlist.v"
      area=$(grep -m1 "Chip area" "$dir/stat.txt" | awk '{print $NF}')
      cells=$(awk '/Number of cells/ {n=$NF} END {print n}' "$dir/stat.txt")
    else
      dir="$out/${top}_w${w}_b${b}_l${lanes}_d${d}"
      synth_flat "${top%_lanes}" "$w" "$b" "$d" "$dir/engine"
      synth_join "$top" "$w" "$b" "$lanes" "$d" "$dir" "$dir/engine"
      netlists="read_verilog $dir/engine/hier_netlist.v
read_verilog $dir/netlist.v"
      earea=$(grep -m1 "Chip area" "$dir/engine/stat.txt" | awk '{print $NF}')
      ecells=$(awk '/Number of cells/ {n=$NF} END {print n}' "$dir/engine/stat.txt")
      jarea=$(awk '/Chip area/ && !a {a=$NF} END {print a + 0}' "$dir/stat.txt")   # no line: no cells
      jcells=$(awk '/Number of cells/ {n=$NF} END {print n}' "$dir/stat.txt")   # the engines included
      area=$(awk -v e="$earea" -v j="$jarea" -v l="$lanes" 'BEGIN {printf "%.0f", j + l * e}')
      cells=$((jcells - lanes + lanes * ecells))
      printf '%s\n' "join $jarea um^2, $((jcells - lanes)) cells; engine $earea um^2, $ecells cells; x $lanes" \
        >"$dir/area.txt"
    fi
    cat >"$dir/sta.tcl" <<TCL
read_liberty $lib
$netlists
link_design $top
create_clock -name clk -period 1000 [get_ports clk_i]
report_checks -from [all_registers -clock_pins] -to [all_registers -data_pins] -path_delay max -digits 3
exit
TCL
    sta -no_splash -exit "$dir/sta.tcl" >"$dir/sta.txt" 2>&1 || sta "$dir/sta.tcl" >"$dir/sta.txt" 2>&1 </dev/null || true
    arr=$(awk '/data arrival time/ {print $1; exit}' "$dir/sta.txt")
    [ -n "$arr" ] || { echo "synth.sh: no reg-to-reg path in $dir/sta.txt" >&2; exit 1; }
    kge=$(awk -v a="$area" -v g=$nand2_um2 'BEGIN {printf "%.2f", a / g / 1000}')
    fmax=$(awk -v t="$arr" 'BEGIN {printf "%.0f", 1000 / t}')
    printf '%-18s %3s %3s %5s %9s %12.0f %8s %7s %14s %9s\n' "$top" "$w" "$b" "${lanes:--}" \
      "$( [ "$d" = 0 ] && echo none || echo "$d" )" "$area" "$kge" "$cells" "$arr" "$fmax"
  done
done
