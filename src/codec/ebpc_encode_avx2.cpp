// The B = 8 encoder body (ebpc_encode_body.hpp) for AVX2 + BMI2 CPUs (runtime dispatch:
// arch/cpu.hpp; every function carries EBPC_TARGET_AVX2, the file is not built with -mavx2).
#include "codec/ebpc_encode_fast.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include "arch/encode_kernels_avx2.hpp"

#define EBPC_ENCODE_TARGET EBPC_TARGET_AVX2
#define EBPC_ENCODE_NAMESPACE encode_avx2
#define EBPC_ENCODE_KERNELS ::ebpc::arch::EncodeKernelsAvx2
#include "codec/ebpc_encode_body.hpp"
#undef EBPC_ENCODE_TARGET
#undef EBPC_ENCODE_NAMESPACE
#undef EBPC_ENCODE_KERNELS

#endif  // EBPC_ARCH_HAVE_AVX2
