// The EBPC encoder fast path (B = 8, W <= 16) compiled for AVX2 + BMI2 CPUs (runtime
// dispatch: arch/cpu.hpp): the body of ebpc_encode_b8_body.hpp with the kernels of
// arch/encode_b8_avx2.hpp. Same streams, bit for bit, as the baseline instantiation and the
// reference coder (tests/test_ebpc_roundtrip.cpp runs both).
#pragma once

#include <cstdint>
#include <span>

#include "arch/cpu.hpp"
#include "common/bitio.hpp"

namespace ebpc::detail {

#if EBPC_ARCH_HAVE_AVX2
// Codes words into the two writers (W = w, B = 8, Z = z; the caller has checked the
// parameters and the output bounds) and returns the OR of all words, for the caller's
// check of bits above W. Only call when arch::use_avx2().
std::uint64_t encode_b8_avx2(std::span<const std::uint8_t> words, unsigned w, unsigned z, WideBitWriter& znz,
                             WideBitWriter& bpc) noexcept;
std::uint64_t encode_b8_avx2(std::span<const std::uint16_t> words, unsigned w, unsigned z, WideBitWriter& znz,
                             WideBitWriter& bpc) noexcept;
std::uint64_t encode_b8_avx2(std::span<const std::uint32_t> words, unsigned w, unsigned z, WideBitWriter& znz,
                             WideBitWriter& bpc) noexcept;
#endif

}  // namespace ebpc::detail
