// The B = 8 decoder body (ebpc_decode_b8_body.hpp) for any CPU: the SSE2 kernels on x86-64
// (SSE2 is part of its baseline), the scalar twins elsewhere.
#include "codec/ebpc_decode_b8.hpp"

#include "arch/unplane_b8_scalar.hpp"
#include "arch/unplane_b8_sse2.hpp"

#define EBPC_B8_TARGET
#define EBPC_B8_NAMESPACE b8_baseline
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
#define EBPC_B8_KERNELS ::ebpc::arch::Sse2DecodeKernels
#else
#define EBPC_B8_KERNELS ::ebpc::arch::ScalarDecodeKernels
#endif
#include "codec/ebpc_decode_b8_body.hpp"
#undef EBPC_B8_TARGET
#undef EBPC_B8_NAMESPACE
#undef EBPC_B8_KERNELS
