#!/usr/bin/env bash
# Tests of tools/extract (issues 3 and 14): unit tests of the float16 / .npy code; every
# shipped dataset (data/<network>/) checked against its manifest; and for each network one
# fresh extraction of one photo, checked against its own manifest and word for word
# against the shipped maps of the same photo (activations; the face net's gradients too),
# plus our forward pass against the package's own inference (class probabilities /
# face-api's descriptor; extract.js fails above 1e-4, the test prints the difference).
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

ROCKET=tests/extract/rocket.jpg   # public domain (SpaceX), a copy of scikit-image's rocket.jpg
CAMERA=tests/extract/camera.png   # CC0 (Lav Varshney), a copy of scikit-image's camera.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_all=$(date +%s)

check "unit: float16 rounding, canonical zeros, .npy I/O" node tests/extract/unit.js

# network, layers in the shipped dataset, layers of a full extraction, photo, extra
# extract.js flags of the fresh extraction, compare.js flags, check_dataset.js flags of
# the shipped dataset
NETS="mobilenet_v2:37:37:$ROCKET:::--gradients
inception_v3:17:96:$ROCKET:::--gradients
mobilenet_v2_mid:6:35:$ROCKET:::--gradients
face_recognition_net:29:29:$CAMERA#face1:--gradients:--gradients:--gradients"

while IFS=: read -r net shipped_layers _ _ _ _ sflags; do
  # shellcheck disable=SC2086
  check "shipped dataset data/$net matches its manifest (shapes, dtypes, zero fractions${sflags:+, losses})" \
    node tests/extract/check_dataset.js "data/$net" --layers "$shipped_layers" $sflags
done <<< "$NETS"

if check "npm ci --prefix tools/extract (pinned dependencies)" \
  npm ci --prefix tools/extract --no-audit --no-fund --loglevel=error; then :; fi
if [ -d tools/extract/node_modules/@tensorflow/tfjs ]; then
  check "unit: AveragePooling2D 'same' gradient against finite differences" node tests/extract/grad_unit.js
  while IFS=: read -r net _ all_layers photo flags cflags _; do
    name=$(basename "$photo"); name=${name%.*}
    start=$(date +%s)
    # shellcheck disable=SC2086
    check "extract $net of one photo ($name${flags:+, $flags})" \
      node tools/extract/extract.js --network "$net" --images "$photo" --out "$tmp/$net" --quiet $flags
    echo "  (extraction took $(( $(date +%s) - start )) s)"
    check "fresh $net extraction: $all_layers layers, shapes and zero fractions match its manifest" \
      node tests/extract/check_dataset.js "$tmp/$net" --layers "$all_layers" --images 1 ${flags:+--gradients}
    check "fresh $net: our forward pass agrees with the package's own inference" \
      node tests/extract/check_reference.js "$tmp/$net"
    # shellcheck disable=SC2086
    check "fresh $net extraction equals the shipped maps of $name, bit for bit" \
      node tests/extract/compare.js "$tmp/$net" "data/$net" "$name" $cflags
  done <<< "$NETS"
  # path#faceK: the face net's k-th face by score; camera.png has one face (score 0.764),
  # so #face1 above must give the shipped camera maps and #face2 must be refused.
  if out=$(node tools/extract/extract.js --network face_recognition_net --images "$CAMERA#face2" \
      --out "$tmp/face2" --quiet 2>&1); then
    bad "face_recognition_net: camera.png#face2 (camera has one face) is refused"
  elif printf '%s\n' "$out" | grep -q 'face 2 asked for, 1 found'; then
    ok "face_recognition_net: camera.png#face2 (camera has one face) is refused"
  else
    bad "face_recognition_net: camera.png#face2 is refused with 'face 2 asked for, 1 found'"
    printf '%s\n' "$out" | tail -5
  fi
else
  bad "tools/extract/node_modules is missing, extraction not run"
fi

echo "$pass passed, $fail failed ($(( $(date +%s) - t_all )) s)"
[ "$fail" -eq 0 ]
