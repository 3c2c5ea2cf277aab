// EBPC decoder fast path for AVX2 + BMI2 CPUs (private; dispatched from ebpc_decode.cpp when
// arch::use_avx2() and the parameters fit, see ebpc_decode_avx2_fits).
#pragma once

#include <ebpc/ebpc.hpp>

#include <cstdint>
#include <span>

namespace ebpc::detail {

// True when this build has the AVX2 path and it handles these (valid) parameters:
// B = 8, W <= 16. The caller also checks arch::use_avx2().
bool ebpc_decode_avx2_fits(const EbpcParams& params) noexcept;

// The AVX2 + BMI2 decoder: the same results (words, consumed bits, errors) as the
// baseline decoder. Only call it when arch::use_avx2() and ebpc_decode_avx2_fits(params),
// with params already checked (check_params, W <= the word's bits).
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;

// The baseline decoder (SSE2/scalar, no AVX2 dispatch), defined in ebpc_decode.cpp: the
// reference the tests compare the AVX2 path with. Same contract as ebpc_decode.
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;

}  // namespace ebpc::detail
