// The B = 8 encoder body (ebpc_encode_b8_body.hpp) for any CPU: the SSE2 kernels on x86-64
// (SSE2 is part of its baseline), the scalar twins elsewhere.
#include "codec/ebpc_encode_b8.hpp"

#include "arch/encode_b8.hpp"
#include "arch/encode_b8_sse2.hpp"

#define EBPC_ENC_B8_TARGET
#define EBPC_ENC_B8_NAMESPACE enc_b8_baseline
#if defined(__SSE2__)
#define EBPC_ENC_B8_KERNELS ::ebpc::arch::EncodeB8Sse2
#define EBPC_ENC_B8_KERNELS_NAME "sse2"
#else
#define EBPC_ENC_B8_KERNELS ::ebpc::arch::EncodeB8Scalar
#define EBPC_ENC_B8_KERNELS_NAME "scalar"
#endif
#include "codec/ebpc_encode_b8_body.hpp"
#undef EBPC_ENC_B8_TARGET
#undef EBPC_ENC_B8_NAMESPACE
#undef EBPC_ENC_B8_KERNELS

namespace ebpc::detail::enc_b8_baseline {
const char* kernels_name() noexcept { return EBPC_ENC_B8_KERNELS_NAME; }
}  // namespace ebpc::detail::enc_b8_baseline
