#!/usr/bin/env bash
# Area and timing of our EBPC RTL in one open flow (docs/hardware.md, "Our RTL"):
# YoWASP Yosys 0.55 (pinned in package-lock.json) -> OSU 0.18 um standard cells (Debian
# qflow-tech-osu018) -> OpenSTA (Debian opensta), worst register-to-register path.
#
# usage: rtl/synth/synth.sh [OUTDIR]          (default build/synth; needs node/npm, sta)
# env:   SYNTH_CONFIGS="ebpc_encoder:8:8 ..."  tops and W:B to run (default: both tops, W=8 and 16, B=8)
#        SYNTH_DELAYS="0 3500"                 abc -D targets in ps (0: plain abc, no -D)
# Prints one table row per top, W, B and abc mode; OUTDIR/<top>_w<W>_b<B>_d<D>/ holds the
# netlists (netlist.v for STA, ports split; sim_netlist.v for simulation), yosys.log,
# stat.txt and sta.txt.
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

printf '%-13s %3s %3s %9s %12s %8s %7s %14s %9s\n' top W B "abc -D" "area um^2" kGE cells "reg-to-reg ns" "fmax MHz"
for cfg in $configs; do
  IFS=: read -r top w b <<<"$cfg"
  mapfile -t srcs < <(sed "s|^|$rtl/|" "$rtl/$top.f")
  names=$(for f in "${srcs[@]}"; do basename "$f"; done | tr '\n' ' ')
  for d in $delays; do
    dir="$out/${top}_w${w}_b${b}_d${d}"
    mkdir -p "$dir"
    dflag=""
    extra=()
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
splitnets -ports
insbuf -buf BUFX2 A Y
write_verilog -noattr -noexpr netlist.v
YS
    node "$here/run_yosys.mjs" "$dir/synth.ys" "$dir" "${srcs[@]}" "$lib" "${extra[@]}" >/dev/null
    cat >"$dir/sta.tcl" <<TCL
read_liberty $lib
read_verilog $dir/netlist.v
link_design $top
create_clock -name clk -period 1000 [get_ports clk_i]
report_checks -from [all_registers -clock_pins] -to [all_registers -data_pins] -path_delay max -digits 3
exit
TCL
    sta -no_splash -exit "$dir/sta.tcl" >"$dir/sta.txt" 2>&1 || sta "$dir/sta.tcl" >"$dir/sta.txt" 2>&1 </dev/null || true
    area=$(grep -m1 "Chip area" "$dir/stat.txt" | awk '{print $NF}')
    cells=$(awk '/Number of cells/ {n=$NF} END {print n}' "$dir/stat.txt")
    arr=$(awk '/data arrival time/ {print $1; exit}' "$dir/sta.txt")
    [ -n "$arr" ] || { echo "synth.sh: no reg-to-reg path in $dir/sta.txt" >&2; exit 1; }
    kge=$(awk -v a="$area" -v g=$nand2_um2 'BEGIN {printf "%.2f", a / g / 1000}')
    fmax=$(awk -v t="$arr" 'BEGIN {printf "%.0f", 1000 / t}')
    printf '%-13s %3s %3s %9s %12.0f %8s %7s %14s %9s\n' "$top" "$w" "$b" "$( [ "$d" = 0 ] && echo none || echo "$d" )" \
      "$area" "$kge" "$cells" "$arr" "$fmax"
  done
done
