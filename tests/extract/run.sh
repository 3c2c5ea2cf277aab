#!/usr/bin/env bash
# Tests of tools/extract (issue 3): unit tests of the float16 / .npy code, one MobileNetV2
# extraction (one photo, activations only) checked against its manifest and against the
# shipped dataset, and the shipped dataset data/mobilenet_v2 checked against its manifest.
# Needs node (>= 18), npm with access to the npm registry, and the zstd CLI.
# Usage: bash tests/extract/run.sh
set -u
cd "$(dirname "$0")/../.." || exit 1
pass=0
fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
# One check: description, then the command; its output is shown only when it fails.
check() {
  local what=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    ok "$what"
    [ -n "$out" ] && printf '%s\n' "$out" | grep -E '^  ' | head -5
  else
    bad "$what"
    printf '%s\n' "$out" | tail -25
  fi
}

for tool in node npm zstd; do
  command -v "$tool" >/dev/null || { echo "FAIL - $tool is not installed"; echo "0 passed, 1 failed"; exit 1; }
done

SHIPPED=data/mobilenet_v2
PHOTO=tests/extract/rocket.jpg   # public domain (SpaceX), a copy of scikit-image's rocket.jpg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check "unit: float16 rounding, canonical zeros, .npy I/O" node tests/extract/unit.js
check "shipped dataset $SHIPPED matches its manifest (shapes, dtypes, zero fractions)" \
  node tests/extract/check_dataset.js "$SHIPPED" --layers 37 --gradients

if check "npm ci --prefix tools/extract (pinned dependencies)" \
  npm ci --prefix tools/extract --no-audit --no-fund --loglevel=error; then :; fi
if [ -d tools/extract/node_modules/@tensorflow/tfjs ]; then
  start=$(date +%s)
  check "extract MobileNetV2 activations of one photo" \
    node tools/extract/extract.js --network mobilenet_v2 --images "$PHOTO" --out "$tmp/one" --quiet
  echo "  (extraction took $(( $(date +%s) - start )) s)"
  check "fresh extraction: 37 layers, shapes and zero fractions match its manifest" \
    node tests/extract/check_dataset.js "$tmp/one" --layers 37 --images 1
  check "fresh extraction equals the shipped activations of the same photo, bit for bit" \
    node tests/extract/compare.js "$tmp/one" "$SHIPPED" rocket
else
  bad "tools/extract/node_modules is missing, extraction not run"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
