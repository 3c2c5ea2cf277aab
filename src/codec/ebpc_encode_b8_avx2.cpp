// The B = 8 encoder body (ebpc_encode_b8_body.hpp) for AVX2 + BMI2 CPUs (runtime dispatch:
// arch/cpu.hpp; every function carries EBPC_TARGET_AVX2, the file is not built with -mavx2).
#include "codec/ebpc_encode_b8.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include "arch/encode_b8_avx2.hpp"

#define EBPC_ENC_B8_TARGET EBPC_TARGET_AVX2
#define EBPC_ENC_B8_NAMESPACE enc_b8_avx2
#define EBPC_ENC_B8_KERNELS ::ebpc::arch::EncodeB8Avx2
#include "codec/ebpc_encode_b8_body.hpp"
#undef EBPC_ENC_B8_TARGET
#undef EBPC_ENC_B8_NAMESPACE
#undef EBPC_ENC_B8_KERNELS

#endif  // EBPC_ARCH_HAVE_AVX2
