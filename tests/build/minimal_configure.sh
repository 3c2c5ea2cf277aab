#!/usr/bin/env bash
# A configure with GoogleTest, Google Benchmark and Verilator hidden (as on a machine without
# them) must succeed and plan the library, the decoder-only library and the CLI, with the
# tests, the microbenchmarks and the RTL models left out. Configure only: the release tree
# that runs this test has already compiled the same sources.
# Usage: minimal_configure.sh SOURCE_DIR SCRATCH_DIR
set -euo pipefail
src=$1
dir=$2
rm -rf "$dir"
cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEBPC_WITH_PYTHON=OFF -DEBPC_WITH_HDF5=OFF \
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_verilator=ON >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
fail=0
cache() { sed -n "s/^$1:BOOL=//p" "$dir/CMakeCache.txt"; }
for opt in EBPC_BUILD_TESTS EBPC_BUILD_BENCH EBPC_WITH_RTL; do
  v=$(cache "$opt")
  [ "$v" = OFF ] || { echo "FAIL: $opt=$v with its tool hidden (want OFF)"; fail=1; }
done
[ "$(cache EBPC_BUILD_TOOLS)" = ON ] || { echo "FAIL: EBPC_BUILD_TOOLS is not ON"; fail=1; }
targets=$(ninja -C "$dir" -t targets all)
for t in src/libebpc.a src/libebpc_decoder.a tools/ebpc/ebpc; do
  grep -q "^$t:" <<<"$targets" || { echo "FAIL: $t is not built"; fail=1; }
done
for t in tests/ebpc_tests bench/ebpc_bench rtl/sim/libebpc_rtl_sim.a; do
  ! grep -q "^$t:" <<<"$targets" || { echo "FAIL: $t is built with its tool hidden"; fail=1; }
done
[ $fail = 0 ] && echo "minimal configure: library, decoder library and CLI; no tests, benchmarks or RTL models"
rm -rf "$dir" "$dir.log"
exit $fail
