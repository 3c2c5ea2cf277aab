#!/usr/bin/env bash
# Line coverage of the decoders and parsers reached by the committed fuzz corpora
# (`make fuzz-coverage`): every replay_<target> of an llvm-cov build (EBPC_COVERAGE=ON) runs
# over fuzz/corpus/<target> twice, once on the machine's best kernels and once with
# EBPC_ISA=baseline (the SSE2/scalar twins). Each binary is reported from its own profile
# (one profile over all binaries drops the functions that several binaries define
# differently), and the lines are united: a line counts as reached when any target reaches
# it. Files: the decoders and parsers of src/codec and src/arch, src/format's readers, the C
# API. Writes OUT/files.tsv (file, lines, missed, percent) and OUT/uncovered.txt (each line
# not reached, with its source).
#
# usage: fuzz/coverage.sh COVERAGE_BUILD_DIR OUT_DIR
set -euo pipefail
build=${1:?usage: fuzz/coverage.sh COVERAGE_BUILD_DIR OUT_DIR}
out=${2:?usage: fuzz/coverage.sh COVERAGE_BUILD_DIR OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
# the targets of fuzz/targets.cmake, as the coverage build made them (tests/replay_<name>)
targets=()
for bin in "$build"/tests/replay_*; do [ -x "$bin" ] && targets+=("${bin##*/replay_}"); done
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz/coverage.sh: no replay_* in $build/tests" >&2; exit 1; }
files=(
  src/codec/baselines.cpp src/codec/bytecodecs.cpp src/codec/codec_info.cpp src/codec/ebpc_decode.cpp
  src/codec/ebpc_decode_avx2.cpp src/codec/ebpc_decode_baseline.cpp src/codec/ebpc_decode_body.hpp
  src/codec/bpc_block_decode.hpp src/codec/ebpc_params.cpp src/codec/registry.cpp
  src/arch/unplane_b8_avx2.hpp src/arch/unplane_b8_sse2.hpp src/arch/unplane_b8_scalar.hpp
  src/arch/unplane_b16_avx2.hpp src/arch/unplane_b16_sse2.hpp src/arch/unplane_b16_scalar.hpp
  src/format/container.cpp src/format/npy.cpp src/format/stream_read.cpp
  src/capi/c_api.cpp
)
paths=()
for f in "${files[@]}"; do paths+=("$root/$f"); done
rm -rf "$out" && mkdir -p "$out/prof"
for t in "${targets[@]}"; do
  bin="$build/tests/replay_$t"
  LLVM_PROFILE_FILE="$out/prof/$t-native-%p.profraw" "$bin" "$root/fuzz/corpus/$t" > /dev/null
  LLVM_PROFILE_FILE="$out/prof/$t-baseline-%p.profraw" EBPC_ISA=baseline "$bin" "$root/fuzz/corpus/$t" > /dev/null
  llvm-profdata merge -sparse "$out"/prof/"$t"-*.profraw -o "$out/prof/$t.profdata"
  llvm-cov export -format=lcov -instr-profile="$out/prof/$t.profdata" "$bin" "${paths[@]}" > "$out/prof/$t.lcov"
done
/usr/bin/python3 "$root/fuzz/coverage_union.py" "$root" "$out" "$out"/prof/*.lcov
