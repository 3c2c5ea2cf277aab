#!/usr/bin/env bash
# Ratio regression check: a fresh `ebpc eval` of the shipped dataset must give exactly
# the committed results.csv (integers only: values, zeros, uncompressed and compressed bits).
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
if ! diff -u "$COMMITTED" "$T/out/results.csv" > "$T/diff.txt"; then
  echo "FAIL: results.csv differs from $COMMITTED (a ratio regression, or an intended change:"
  echo "regenerate with: ebpc eval $DATASET --out build/results && cp build/results/results.csv $COMMITTED)"
  head -40 "$T/diff.txt"
  exit 1
fi
echo "OK: $(($(wc -l < "$COMMITTED") - 1)) rows identical"
