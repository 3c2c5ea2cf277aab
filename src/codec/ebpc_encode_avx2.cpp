// The EBPC B = 8 encoder body (ebpc_encode_b8_body.hpp) compiled for AVX2 + BMI2 CPUs with
// the kernels of src/arch/encode_b8_avx2.hpp (runtime dispatch: arch/cpu.hpp).
#include "codec/ebpc_encode_avx2.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include "arch/encode_b8_avx2.hpp"

#define EBPC_BODY_ATTRS EBPC_TARGET_AVX2
#define EBPC_BODY_NS avx2
#include "codec/ebpc_encode_b8_body.hpp"
#undef EBPC_BODY_NS
#undef EBPC_BODY_ATTRS

namespace ebpc::detail {

EBPC_TARGET_AVX2 std::uint64_t encode_b8_avx2(std::span<const std::uint8_t> words, unsigned w, unsigned z,
                                              WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return avx2::encode_b8<arch::EncodeB8Avx2>(words, w, z, znz, bpc);
}
EBPC_TARGET_AVX2 std::uint64_t encode_b8_avx2(std::span<const std::uint16_t> words, unsigned w, unsigned z,
                                              WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return avx2::encode_b8<arch::EncodeB8Avx2>(words, w, z, znz, bpc);
}
EBPC_TARGET_AVX2 std::uint64_t encode_b8_avx2(std::span<const std::uint32_t> words, unsigned w, unsigned z,
                                              WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return avx2::encode_b8<arch::EncodeB8Avx2>(words, w, z, znz, bpc);
}

}  // namespace ebpc::detail

#endif  // EBPC_ARCH_HAVE_AVX2
