// The B = 8 / B = 16 decoder body (ebpc_decode_body.hpp) for AVX2 + BMI2 CPUs (runtime
// dispatch: arch/cpu.hpp; every function carries EBPC_TARGET_AVX2, the file is not built
// with -mavx2).
#include "codec/ebpc_decode_fast.hpp"

#include "arch/cpu.hpp"
#include "codec/ebpc_params.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include "arch/unplane_b16_avx2.hpp"
#include "arch/unplane_b8_avx2.hpp"

#define EBPC_DECODE_TARGET EBPC_TARGET_AVX2
#define EBPC_DECODE_NAMESPACE decode_avx2
#define EBPC_DECODE_KERNELS ::ebpc::arch::Avx2DecodeKernels
#define EBPC_B16_KERNELS ::ebpc::arch::Avx2UnplaneB16
#include "codec/ebpc_decode_body.hpp"
#undef EBPC_DECODE_TARGET
#undef EBPC_DECODE_NAMESPACE
#undef EBPC_DECODE_KERNELS
#undef EBPC_B16_KERNELS

namespace ebpc::detail {

bool ebpc_decode_avx2_fits(const EbpcParams& params) noexcept {
  return check_params(params).has_value() && fast_path_fits(params);
}

Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  return decode_avx2::decode(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  return decode_avx2::decode(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  return decode_avx2::decode(znz, bpc, params, words_out);
}

}  // namespace ebpc::detail

#else  // !EBPC_ARCH_HAVE_AVX2

namespace ebpc::detail {

bool ebpc_decode_avx2_fits(const EbpcParams&) noexcept { return false; }

Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t>, std::span<const std::uint8_t>, const EbpcParams&,
                                      std::span<std::uint8_t>) noexcept {
  return tl::unexpected(Error::unsupported);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t>, std::span<const std::uint8_t>, const EbpcParams&,
                                      std::span<std::uint16_t>) noexcept {
  return tl::unexpected(Error::unsupported);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t>, std::span<const std::uint8_t>, const EbpcParams&,
                                      std::span<std::uint32_t>) noexcept {
  return tl::unexpected(Error::unsupported);
}

}  // namespace ebpc::detail

#endif  // EBPC_ARCH_HAVE_AVX2
