#!/usr/bin/env bash
# Gate-level simulation of our RTL (ctest rtl_gate_sim): synthesizes ebpc_encoder and
# ebpc_decoder at W=8, B=8 with rtl/synth/synth.sh (Yosys -> OSU018 cells), simulates both
# netlists in Icarus Verilog with the cells' own Verilog models on the vectors of
# ebpc_rtl_vectors (library streams), with and without bubbles and back-pressure.
# usage: gate_sim.sh EBPC_RTL_VECTORS WORKDIR
set -euo pipefail
vectors_exe=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cells=${OSU018_CELLS:-/usr/share/qflow/tech/osu018/osu018_stdcells.v}
mkdir -p "$work"
SYNTH_CONFIGS="ebpc_encoder:8:8 ebpc_decoder:8:8" SYNTH_DELAYS=0 bash "$root/rtl/synth/synth.sh" "$work/synth"
"$vectors_exe" "$root/tests/data/ebpc_hw_golden.json" "$work"
read -r nin nznz nbpc ntx <"$work/counts.txt"
iverilog -g2005 -o "$work/gate_tb.vvp" "$here/gate_tb.v" \
  "$work/synth/ebpc_encoder_w8_b8_d0/sim_netlist.v" "$work/synth/ebpc_decoder_w8_b8_d0/sim_netlist.v" "$cells"
status=0
for traffic in "1 0 100" "2 30 60" "3 60 30"; do
  read -r seed bubble ready <<<"$traffic"
  out=$(cd "$work" && vvp -n gate_tb.vvp +nin="$nin" +nznz="$nznz" +nbpc="$nbpc" +ntx="$ntx" \
    +seed="$seed" +bubble="$bubble" +ready="$ready")
  echo "bubbles ${bubble}%, ready ${ready}%: $(echo "$out" | grep -E 'GATE|mismatch|incomplete' | head -12)"
  echo "$out" | grep -q "GATE PASS" || status=1
done
exit $status
