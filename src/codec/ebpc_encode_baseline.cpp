// The B = 8 encoder body (ebpc_encode_body.hpp) for any CPU: the SSE2 kernels on x86-64
// (SSE2 is part of its baseline), the scalar twins elsewhere.
#include "codec/ebpc_encode_fast.hpp"

#include "arch/encode_kernels.hpp"
#include "arch/encode_kernels_sse2.hpp"

#define EBPC_ENCODE_TARGET
#define EBPC_ENCODE_NAMESPACE encode_baseline
#if defined(__SSE2__)
#define EBPC_ENCODE_KERNELS ::ebpc::arch::EncodeKernelsSse2
#define EBPC_ENCODE_KERNELS_NAME "sse2"
#else
#define EBPC_ENCODE_KERNELS ::ebpc::arch::EncodeKernelsScalar
#define EBPC_ENCODE_KERNELS_NAME "scalar"
#endif
#include "codec/ebpc_encode_body.hpp"
#undef EBPC_ENCODE_TARGET
#undef EBPC_ENCODE_NAMESPACE
#undef EBPC_ENCODE_KERNELS

namespace ebpc::detail::encode_baseline {
const char* kernels_name() noexcept { return EBPC_ENCODE_KERNELS_NAME; }
}  // namespace ebpc::detail::encode_baseline
