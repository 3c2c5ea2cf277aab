// Runtime dispatch between the x86-64 baseline (SSE2) kernels and the AVX2 + BMI2 ones.
//
// The AVX2 code lives in functions marked EBPC_TARGET_AVX2 (no file is built with -mavx2,
// so nothing else in the library can pick up AVX2 instructions), and it is only called
// when use_avx2() says the CPU has every extension it uses. EBPC_ISA=baseline in the
// environment turns it off: the tests run the codecs both ways and compare.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EBPC_ARCH_HAVE_AVX2 1
#define EBPC_TARGET_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))
#else
#define EBPC_ARCH_HAVE_AVX2 0
#define EBPC_TARGET_AVX2
#endif

namespace ebpc::arch {

// True when the CPU has AVX2, BMI1, BMI2 and POPCNT, and EBPC_ISA is not "baseline".
// Decided once per process.
bool use_avx2() noexcept;

// What the codecs run on, for reports: "avx2+bmi2", "sse2" or "scalar".
const char* active_isa_name() noexcept;

}  // namespace ebpc::arch
