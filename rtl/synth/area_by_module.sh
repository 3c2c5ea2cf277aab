#!/usr/bin/env bash
# Where the area goes: the same flow as synth.sh (plain abc) without -flatten, so that
# `stat` reports each module's own cells. Totals differ a little from the flat runs of
# synth.sh (no optimisation across module boundaries).
# usage: rtl/synth/area_by_module.sh TOP W B [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(dirname "$here")
top=$1 w=$2 b=$3
out=${4:-build/synth}/${top}_w${w}_b${b}_hier
mkdir -p "$out"
lib=${OSU018_LIB:-/usr/share/qflow/tech/osu018/osu018_stdcells.lib}
[ -d "$here/node_modules/@yowasp/yosys" ] || (cd "$here" && npm ci --no-audit --no-fund --silent)
mapfile -t srcs < <(sed "s|^|$rtl/|" "$rtl/$top.f")
names=$(for f in "${srcs[@]}"; do basename "$f"; done | tr '\n' ' ')
cat >"$out/synth.ys" <<YS
read_liberty -lib osu018_stdcells.lib
read_verilog -sv $names
chparam -set W $w -set B $b $top
synth -top $top
dfflibmap -liberty osu018_stdcells.lib
abc -liberty osu018_stdcells.lib
opt_clean
tee -q -o stat.txt stat -liberty osu018_stdcells.lib
YS
node "$here/run_yosys.mjs" "$out/synth.ys" "$out" "${srcs[@]}" "$lib" >/dev/null
# per module: its own cells' area, once per instance count in the hierarchy
awk '/^=== design hierarchy/ {h=1} /^=== / && !h {m=$2; sub(/^.*\\/, "", m)}
     /Chip area for module/ && !h {printf "%-20s %9.0f um^2 %6.2f kGE (one instance)\n", m, $NF, $NF/24000}
     /Chip area for top module/ {printf "%-20s %9.0f um^2 %6.2f kGE (total)\n", "all", $NF, $NF/24000}' "$out/stat.txt"
