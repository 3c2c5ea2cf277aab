// The B = 8 and B = 16, W <= 16 EBPC decoder (private): one body (ebpc_decode_body.hpp)
// compiled once per ISA. ebpc_decode.cpp dispatches to it; tests compare the instantiations.
#pragma once

#include <ebpc/ebpc.hpp>

#include <cstdint>
#include <span>

namespace ebpc::detail {

// The body's instantiations. Call them with params already checked (check_params, W <= the
// word's bits) and B = 8 or 16, W <= 16; decode_avx2 only when arch::use_avx2() (and
// EBPC_ARCH_HAVE_AVX2: it is not built otherwise). Same results (words, consumed bits,
// errors) as decode_generic.
namespace decode_baseline {
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;
const char* kernels_name() noexcept;  // "sse2" or "scalar"
}  // namespace decode_baseline
namespace decode_avx2 {
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;
const char* kernels_name() noexcept;  // "avx2+bmi2"
}  // namespace decode_avx2

// True when this build has the AVX2 path and it handles these (valid) parameters:
// B = 8 or 16, W <= 16. The caller also checks arch::use_avx2().
bool ebpc_decode_avx2_fits(const EbpcParams& params) noexcept;

// The AVX2 + BMI2 instantiation with the public contract (decode_streams'): only call it when
// arch::use_avx2() and ebpc_decode_avx2_fits(params); unsupported when not built.
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;

// The decoder without AVX2 dispatch (the baseline instantiation for B = 8 or 16, W <= 16, else
// decode_generic), defined in ebpc_decode.cpp: what the tests compare the AVX2 path with.
// Same contract as decode_streams.
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;

// The plain decoder (decode_generic: any W, B, one symbol at a time) whatever the
// parameters: what the tests hold the B = 8 / B = 16 body to. Same contract as decode_streams.
Result<EbpcConsumed> ebpc_decode_generic(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                         const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_generic(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                         const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_generic(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                         const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;

}  // namespace ebpc::detail
