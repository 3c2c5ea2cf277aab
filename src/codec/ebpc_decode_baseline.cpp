// The B = 8 / B = 16 decoder body (ebpc_decode_body.hpp) for any CPU: the SSE2 kernels
// on x86-64 (SSE2 is part of its baseline), the scalar twins elsewhere.
#include "codec/ebpc_decode_fast.hpp"

#include "arch/unplane_b16_scalar.hpp"
#include "arch/unplane_b16_sse2.hpp"
#include "arch/unplane_b8_scalar.hpp"
#include "arch/unplane_b8_sse2.hpp"

#define EBPC_DECODE_TARGET
#define EBPC_DECODE_NAMESPACE decode_baseline
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
#define EBPC_DECODE_KERNELS ::ebpc::arch::Sse2DecodeKernels
#define EBPC_B16_KERNELS ::ebpc::arch::Sse2UnplaneB16
#else
#define EBPC_DECODE_KERNELS ::ebpc::arch::ScalarDecodeKernels
#define EBPC_B16_KERNELS ::ebpc::arch::ScalarUnplaneB16
#endif
#include "codec/ebpc_decode_body.hpp"
#undef EBPC_DECODE_TARGET
#undef EBPC_DECODE_NAMESPACE
#undef EBPC_DECODE_KERNELS
#undef EBPC_B16_KERNELS
