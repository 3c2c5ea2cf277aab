#!/usr/bin/env bash
# The lane tops on a Lattice iCE40 (docs/hardware.md, "iCE40 (`make hw-fpga`)"): the pinned
# YoWASP Yosys 0.55 (synth_ice40) and Debian's nextpnr-ice40 0.4, on an iCE40-HX8K in the
# CT256 package, with a fixed placer seed.
#
# usage: rtl/synth/fpga.sh [OUTDIR]           (default build/fpga; needs node/npm, nextpnr-ice40)
# env:   FPGA_CONFIGS="ebpc_encoder_lanes:8:8:1 ..."  TOP:W:B:LANES to run (default: both lane
#                                                     tops, W = B = 8, LANES 1, 2, 4, 8)
#        FPGA_SEED=1          nextpnr's --seed
#        FPGA_FREQ=50         nextpnr's timing target in MHz (--freq; fmax is what it reaches;
#                             a design that misses it is still routed, --timing-allow-fail)
#        FPGA_TSV=FILE        also write the table as TSV to FILE
# Each top is synthesized twice: alone (core: its own LUT4s, flip-flops and carries, no pins)
# and inside its pin harness (rtl/synth/ice40_harness.sv: clk_i, rst_ni, a serial input and a
# serial output), which nextpnr places and routes, and icepack (icestorm) packs into a
# bitstream. Prints one table row per config; OUTDIR/<top>_w<W>_b<B>_l<LANES>/ holds the yosys
# logs and stats, nextpnr.log, the .asc and the .bin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(dirname "$here")
out=${1:-build/fpga}
mkdir -p "$out"
out=$(cd "$out" && pwd)
command -v nextpnr-ice40 >/dev/null || { echo "fpga.sh: nextpnr-ice40 missing (make deps-hw)" >&2; exit 1; }
command -v icepack >/dev/null || { echo "fpga.sh: icepack missing (make deps-hw)" >&2; exit 1; }
if [ ! -d "$here/node_modules/@yowasp/yosys" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
configs=${FPGA_CONFIGS:-"$(for t in ebpc_encoder_lanes ebpc_decoder_lanes; do for l in 1 2 4 8; do
  printf '%s:8:8:%s ' $t $l; done; done)"}
seed=${FPGA_SEED:-1}
freq=${FPGA_FREQ:-50}
tsv=${FPGA_TSV:-}
device=hx8k
package=ct256
parse="/usr/bin/python3 $here/hw_report.py"

# ice40_synth TOP PARAMS DIR NAME FILE...: synth_ice40 of TOP into DIR/NAME.json and
# DIR/NAME_stat.txt.
ice40_synth() {
  local top=$1 params=$2 dir=$3 name=$4
  shift 4
  local names
  names=$(for f in "$@"; do basename "$f"; done | tr '\n' ' ')
  cat >"$dir/$name.ys" <<YS
read_verilog -sv $names
chparam $params $top
synth_ice40 -top $top
delete t:\$scopeinfo
tee -q -o ${name}_stat.txt stat
write_json $name.json
YS
  node "$here/run_yosys.mjs" "$dir/$name.ys" "$dir" "$@" >/dev/null
  mv "$dir/yosys.log" "$dir/${name}_yosys.log"
}

printf '%-18s %3s %3s %5s %10s %10s %10s %11s %11s %9s %s\n' top W B LANES "core LUT4" "core FF" \
  "core CARRY" "placed LC" "LC of $device" "fmax MHz" status
[ -z "$tsv" ] || printf 'top\tW\tB\tLANES\tdevice\tseed\tcore_lut4\tcore_ff\tcore_carry\tharness_lut4\tharness_ff\tplaced_lc\tdevice_lc\tfmax_mhz\tstatus\n' >"$tsv"
for cfg in $configs; do
  IFS=: read -r top w b lanes <<<"$cfg"
  dir="$out/${top}_w${w}_b${b}_l${lanes}"
  rm -rf "$dir"
  mkdir -p "$dir"
  mapfile -t srcs < <(sed "s|^|$rtl/|" "$rtl/$top.f")
  params="-set W $w -set B $b -set LANES $lanes"
  ice40_synth "$top" "$params" "$dir" core "${srcs[@]}"
  ice40_synth "${top}_ice40" "$params" "$dir" harness "${srcs[@]}" "$here/ice40_harness.sv"
  read -r lut ff carry < <($parse yosys-ice40 "$dir/core_stat.txt")
  read -r hlut hff hcarry < <($parse yosys-ice40 "$dir/harness_stat.txt")
  : "$hcarry"
  # clk_i on a global-buffer input; the other three on plain I/O pins of the CT256 package
  printf 'set_io clk_i J3\nset_io rst_ni B10\nset_io sin_i B12\nset_io sout_o B5\n' >"$dir/pins.pcf"
  status=placed
  timeout "${FPGA_PNR_TIMEOUT:-1800}" nextpnr-ice40 --$device --package $package --seed "$seed" --freq "$freq" --timing-allow-fail \
    --json "$dir/harness.json" --pcf "$dir/pins.pcf" --asc "$dir/harness.asc" --log "$dir/nextpnr.log" \
    >/dev/null 2>&1 || status=failed
  lc=- lc_avail=- fmax=-
  if [ -f "$dir/nextpnr.log" ] && grep -q "Device utilisation" "$dir/nextpnr.log"; then
    read -r lc lc_avail < <($parse nextpnr-util "$dir/nextpnr.log")
  fi
  if [ "$status" = placed ]; then
    fmax=$($parse nextpnr-fmax "$dir/nextpnr.log")
    icepack "$dir/harness.asc" "$dir/harness.bin" || status="no bitstream (icepack)"
  elif [ "$lc" != - ] && [ "$lc" -gt "$lc_avail" ]; then
    status="does not fit ($lc of $lc_avail LCs)"
  fi
  printf '%-18s %3s %3s %5s %10s %10s %10s %11s %11s %9s %s\n' "$top" "$w" "$b" "$lanes" "$lut" "$ff" "$carry" \
    "$lc" "$lc_avail" "$fmax" "$status"
  [ -z "$tsv" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$top" "$w" "$b" "$lanes" \
    "$device-$package" "$seed" "$lut" "$ff" "$carry" "$hlut" "$hff" "$lc" "$lc_avail" "$fmax" "$status" >>"$tsv"
done
