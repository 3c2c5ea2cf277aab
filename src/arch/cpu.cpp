#include "arch/cpu.hpp"

#include <ebpc/ebpc.hpp>

#include <cstdlib>
#include <cstring>

namespace ebpc::arch {

namespace {

bool detect_avx2() noexcept {
#if EBPC_ARCH_HAVE_AVX2
  const char* isa = std::getenv("EBPC_ISA");
  if (isa != nullptr && std::strcmp(isa, "baseline") == 0) {
    return false;
  }
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

}  // namespace

bool use_avx2() noexcept {
  static const bool avx2 = detect_avx2();
  return avx2;
}

const char* active_isa_name() noexcept {
  if (use_avx2()) {
    return "avx2+bmi2";
  }
#if defined(__SSE2__)
  return "sse2";
#else
  return "scalar";
#endif
}

}  // namespace ebpc::arch

namespace ebpc {

const char* simd_kernels() noexcept { return arch::active_isa_name(); }

}  // namespace ebpc
