// The decoder kernels' runners (arch/unplane_b8_runners.inc) built twice: runners_plain
// (plain code, for the scalar and SSE2 kernels) and runners_avx2 (AVX2 code, for the AVX2
// kernels). For tests/test_arch_decode.cpp and bench/bench_decode_kernels.cpp; not part of
// the library.
#pragma once

#include "arch/cpu.hpp"
#include "arch/unplane_b8.hpp"
#include "arch/unplane_b8_scalar.hpp"
#include "arch/unplane_b8_sse2.hpp"
#if EBPC_ARCH_HAVE_AVX2
#include "arch/unplane_b8_avx2.hpp"
#endif

#define EBPC_RUNNERS_TARGET
#define EBPC_RUNNERS_NAMESPACE runners_plain
#include "arch/unplane_b8_runners.inc"
#undef EBPC_RUNNERS_TARGET
#undef EBPC_RUNNERS_NAMESPACE
#if EBPC_ARCH_HAVE_AVX2
#define EBPC_RUNNERS_TARGET EBPC_TARGET_AVX2
#define EBPC_RUNNERS_NAMESPACE runners_avx2
#include "arch/unplane_b8_runners.inc"
#undef EBPC_RUNNERS_TARGET
#undef EBPC_RUNNERS_NAMESPACE
#endif
