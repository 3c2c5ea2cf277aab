#!/usr/bin/env bash
# Whole-process instruction counts per word (callgrind, repeatable where wall time is not):
# `ebpc compress` / `ebpc decompress` (one thread, the default codec: EBPC, L = 8) against
# `zstd -1 -T1` / `zstd -d` on the same .npy files, one row per file. The counts include
# process start, reading and writing (as a user runs them).
#
# usage: bench/callgrind_widths.sh EBPC_BINARY FILE.npy [FILE.npy ...]
# docs/speed.md "Instructions per word" makes its files from one shipped map (see there).
set -euo pipefail
ebpc=${1:?usage: bench/callgrind_widths.sh EBPC_BINARY FILE.npy ...}
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ir() {  # the instruction count of one command
  valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$@" > /dev/null 2> "$work/log"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/log"
}
printf 'file\twords\tebpc_compress\tebpc_decompress\tzstd_1\tzstd_d\t(instructions per word)\n'
for f in "$@"; do
  nwords=$(/usr/bin/python3 -c "import numpy, sys; print(numpy.load(sys.argv[1], mmap_mode='r').size)" "$f")
  c=$(ir "$ebpc" compress -q -f --threads 1 "$f" -o "$work/x.ebpc")
  d=$(ir "$ebpc" decompress -q -f --threads 1 "$work/x.ebpc" -o "$work/y.npy")
  cmp -s "$f" "$work/y.npy" || { echo "round trip differs: $f" >&2; exit 1; }
  zc=$(ir zstd -1 -T1 -q -f "$f" -o "$work/x.zst")
  zd=$(ir zstd -d -q -f "$work/x.zst" -o "$work/z.npy")
  /usr/bin/python3 -c "import sys; n=int(sys.argv[2]); print(sys.argv[1], n, *(f'{int(v)/n:.1f}' for v in sys.argv[3:]), sep='\t')" \
    "$(basename "$f")" "$nwords" "$c" "$d" "$zc" "$zd"
done
