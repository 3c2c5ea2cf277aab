#!/usr/bin/env bash
# Whole-process speed and peak memory of `ebpc compress/decompress` on a large .npy made by
# tiling the real fixed8 MobileNetV2 sample, next to `zstd -1` / `zstd -d` on the same bytes.
#   bench/large_file.sh EBPC_BINARY [SIZE_MB] [THREADS] [REPEAT]
# Each command runs REPEAT times (default 1), interleaved, and the median time (and the
# largest peak RSS) is shown: on a shared machine use 3 or 5. BASELINE=OTHER_EBPC_BINARY
# also measures another ebpc build on the same input, interleaved with the first.
# Needs about 3 x SIZE_MB of free disk in $TMPDIR (default /tmp).
set -euo pipefail
ebpc=${1:?usage: bench/large_file.sh EBPC_BINARY [SIZE_MB] [THREADS]}
size_mb=${2:-1024}
threads=${3:-$(nproc)}
repeat=${4:-1}
baseline=${BASELINE:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sample's data bytes (the .npy headers stripped), concatenated, then repeated.
sample="$work/sample.bin"
for f in "$root"/data/fmaps-sample/mobilenet_v2-kite/*.npy; do
  hlen=$(( $(od -An -tu2 -j8 -N2 "$f") + 10 ))
  tail -c +$((hlen + 1)) "$f" >> "$sample"
done
sample_bytes=$(stat -c %s "$sample")
reps=$(( (size_mb * 1000000 + sample_bytes - 1) / sample_bytes ))
n=$(( reps * sample_bytes ))
raw="$work/big.raw"
for _ in $(seq "$reps"); do cat "$sample"; done > "$raw"
# A .npy header for shape (n,) int8, padded to 64 bytes.
python_free_header() {
  local dict="{'descr': '|i1', 'fortran_order': False, 'shape': ($n,), }"
  local total=$(( ( (10 + ${#dict} + 1 + 63) / 64 ) * 64 ))
  local pad=$(( total - 10 - ${#dict} - 1 ))
  printf '\x93NUMPY\x01\x00'
  printf "\\x$(printf %02x $(( (total - 10) & 255 )))\\x$(printf %02x $(( (total - 10) >> 8 )))"
  printf '%s%*s\n' "$dict" "$pad" ''
}
big="$work/big.npy"
{ python_free_header; cat "$raw"; } > "$big"
rm -f "$raw"
bytes=$(stat -c %s "$big")
echo "input: $big, $bytes bytes ($reps copies of the 37-layer sample), threads $threads, median of $repeat"

# run LABEL COMMAND...: one timed run, appended to $work/LABEL.times ("seconds kilobytes").
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null
  cat "$work/time.txt" >> "$work/$label.times"
}
show() {  # LABEL TEXT: the median time and the largest peak RSS of LABEL's runs
  local secs kb
  secs=$(sort -n "$work/$1.times" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
  kb=$(sort -n -k2 "$work/$1.times" | tail -1 | cut -d' ' -f2)
  printf "  %-28s %8.2f s %9.1f MB/s   peak RSS %7.1f MiB\n" "$2" "$secs" \
    "$(echo "$bytes / $secs / 1000000" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}
for _ in $(seq "$repeat"); do
  run ec "$ebpc" compress "$big" -o "$work/big.ebpc" -f --threads "$threads"
  run ed "$ebpc" decompress "$work/big.ebpc" -o "$work/back.npy" -f --threads "$threads"
  cmp "$big" "$work/back.npy"
  rm -f "$work/back.npy"
  if [ -n "$baseline" ]; then
    run bc "$baseline" compress "$big" -o "$work/base.ebpc" -f --threads "$threads"
    run bd "$baseline" decompress "$work/base.ebpc" -o "$work/back.npy" -f --threads "$threads"
    cmp "$big" "$work/back.npy"
    rm -f "$work/back.npy" "$work/base.ebpc"
  fi
  run z1 zstd -q -1 -f "$big" -o "$work/big.zst"
  run zt zstd -q -1 -T"$threads" -f "$big" -o "$work/big2.zst"
  rm -f "$work/big2.zst"
  run zd zstd -q -d -f "$work/big.zst" -o "$work/back.npy"
  rm -f "$work/back.npy"
done
show ec "ebpc compress"
show ed "ebpc decompress"
if [ -n "$baseline" ]; then
  show bc "baseline compress"
  show bd "baseline decompress"
fi
show z1 "zstd -1 (1 thread)"
show zt "zstd -1 -T$threads"
show zd "zstd -d"
echo "  sizes: ebpc $(stat -c %s "$work/big.ebpc"), zstd -1 $(stat -c %s "$work/big.zst") bytes"
