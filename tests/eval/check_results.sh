#!/usr/bin/env bash
# Ratio regression check: a fresh `ebpc eval` of the shipped dataset against the committed
# results.csv. Rows of our codecs (ebpc, zvc, zrle, bpc) and every values / zero_values /
# uncompressed_bits cell must be identical; rows of the general-purpose codecs (zstd, lz4,
# deflate: library builds may differ by a few bytes) may differ by at most 1% in
# compressed bits.
# usage: check_results.sh EBPC DATASET_DIR COMMITTED_CSV
set -u
EBPC=$1
DATASET=$2
COMMITTED=$3
if [ ! -f "$DATASET/manifest.json" ]; then
  echo "SKIP: $DATASET not present"
  exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$EBPC" eval "$DATASET" --no-plots -q --out "$T/out" || { echo "FAIL: ebpc eval exited non-zero"; exit 1; }
FRESH="$T/out/results.csv"
if cmp -s "$COMMITTED" "$FRESH"; then
  echo "OK: $(($(wc -l < "$COMMITTED") - 1)) rows identical"
  exit 0
fi
awk -F, -v committed="$COMMITTED" '
  BEGIN {
    while ((getline line < committed) > 0) {
      n = split(line, c, ",")
      key = c[1] "," c[2] "," c[3] "," c[4] "," c[5] "," c[6] "," c[7]
      want[key] = line
      order[++nkeys] = key
    }
  }
  {
    key = $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $7
    if (!(key in want)) { print "FAIL: new row: " $0; bad++; next }
    seen[key] = 1
    if (want[key] == $0) { next }
    split(want[key], c, ",")
    general = ($7 ~ /^(zstd|lz4|deflate)/)
    rel = (c[11] > 0) ? ($11 - c[11]) / c[11] : 1
    if (rel < 0) { rel = -rel }
    if (general && c[8] == $8 && c[9] == $9 && c[10] == $10 && rel <= 0.01) { tolerated++; next }
    if (bad < 40) { print "FAIL: committed " want[key] "\n      fresh     " $0 }
    bad++
  }
  END {
    for (i = 1; i <= nkeys; i++) { if (!(order[i] in seen)) { print "FAIL: missing row: " want[order[i]]; bad++ } }
    if (bad > 0) {
      print bad " row(s) differ: a ratio regression, or an intended change (regenerate: ebpc eval DATASET --out DIR and copy DIR/results.csv)"
      exit 1
    }
    print "OK: rows identical except " tolerated + 0 " general-purpose codec row(s) within 1%"
  }' "$FRESH"
