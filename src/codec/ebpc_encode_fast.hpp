// The B = 8 and B = 16, W <= 16 EBPC encoder (private): one body (ebpc_encode_body.hpp) compiled
// once per ISA, each with its kernel policy (src/arch/encode_kernels*.hpp). ebpc_encode.cpp
// dispatches to it; tests compare the instantiations with the reference coder.
#pragma once

#include <cstdint>
#include <span>

#include "arch/cpu.hpp"
#include "common/bitio.hpp"

namespace ebpc::detail {

// Each instantiation codes words into the two writers (W = w, B = b: 8 or 16, Z = z; the
// caller has checked the parameters and the output bounds) and returns the OR of all words,
// for the caller's check of bits above W (when there are any, the streams are unspecified). The
// streams are the same, bit for bit, for every instantiation and the reference coder.
// encode_avx2: only when arch::use_avx2() (it is not built without EBPC_ARCH_HAVE_AVX2).
namespace encode_baseline {  // SSE2 kernels on x86-64, the scalar twins elsewhere
std::uint64_t encode(std::span<const std::uint8_t> words, unsigned w, unsigned b, unsigned z,
                     WideBitWriter& znz, WideBitWriter& bpc) noexcept;
std::uint64_t encode(std::span<const std::uint16_t> words, unsigned w, unsigned b, unsigned z,
                     WideBitWriter& znz, WideBitWriter& bpc) noexcept;
std::uint64_t encode(std::span<const std::uint32_t> words, unsigned w, unsigned b, unsigned z,
                     WideBitWriter& znz, WideBitWriter& bpc) noexcept;
const char* kernels_name() noexcept;  // "sse2" or "scalar"
}  // namespace encode_baseline

#if EBPC_ARCH_HAVE_AVX2
namespace encode_avx2 {
std::uint64_t encode(std::span<const std::uint8_t> words, unsigned w, unsigned b, unsigned z,
                     WideBitWriter& znz, WideBitWriter& bpc) noexcept;
std::uint64_t encode(std::span<const std::uint16_t> words, unsigned w, unsigned b, unsigned z,
                     WideBitWriter& znz, WideBitWriter& bpc) noexcept;
std::uint64_t encode(std::span<const std::uint32_t> words, unsigned w, unsigned b, unsigned z,
                     WideBitWriter& znz, WideBitWriter& bpc) noexcept;
}  // namespace encode_avx2
#endif

}  // namespace ebpc::detail
