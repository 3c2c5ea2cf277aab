// SSE2 helpers for the zero / non-zero split (x86-64 baseline): shared by the
// nonzero_masks_sse2 kernel (bitplane_sse2.cpp) and the SSE2 encoder policy
// (encode_kernels_sse2.hpp). Twins: nonzero_masks_scalar, EncodeKernelsScalar::nonzero_mask64.
#pragma once

#include <emmintrin.h>

#include <cstdint>

namespace ebpc::arch::sse2 {

inline __m128i load128(const void* p) noexcept { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

inline std::uint64_t movemask16(__m128i x) noexcept {
  return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x)));
}

// Bytes != 0 of 64 bytes -> 64-bit mask.
inline std::uint64_t nz64_u8(const std::uint8_t* p, __m128i& all) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i a = load128(p);
  const __m128i b = load128(p + 16);
  const __m128i c = load128(p + 32);
  const __m128i d = load128(p + 48);
  all = _mm_or_si128(all, _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
  const std::uint64_t za = movemask16(_mm_cmpeq_epi8(a, zero));
  const std::uint64_t zb = movemask16(_mm_cmpeq_epi8(b, zero));
  const std::uint64_t zc = movemask16(_mm_cmpeq_epi8(c, zero));
  const std::uint64_t zd = movemask16(_mm_cmpeq_epi8(d, zero));
  return ~(za | zb << 16 | zc << 32 | zd << 48);
}

// Words != 0 of 16 uint16 -> 16-bit mask.
inline std::uint64_t nz16_u16(const std::uint16_t* p, __m128i& all) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i a = load128(p);
  const __m128i b = load128(p + 8);
  all = _mm_or_si128(all, _mm_or_si128(a, b));
  const __m128i za = _mm_cmpeq_epi16(a, zero);
  const __m128i zb = _mm_cmpeq_epi16(b, zero);
  return movemask16(_mm_packs_epi16(za, zb));
}

// Words != 0 of 16 uint32 -> 16-bit mask.
inline std::uint64_t nz16_u32(const std::uint32_t* p, __m128i& all) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i a = load128(p);
  const __m128i b = load128(p + 4);
  const __m128i c = load128(p + 8);
  const __m128i d = load128(p + 12);
  all = _mm_or_si128(all, _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
  const __m128i ab = _mm_packs_epi32(_mm_cmpeq_epi32(a, zero), _mm_cmpeq_epi32(b, zero));
  const __m128i cd = _mm_packs_epi32(_mm_cmpeq_epi32(c, zero), _mm_cmpeq_epi32(d, zero));
  return movemask16(_mm_packs_epi16(ab, cd));
}

inline std::uint64_t or_lanes(__m128i all) noexcept {
  std::uint64_t parts[2];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(parts), all);
  return parts[0] | parts[1];
}

}  // namespace ebpc::arch::sse2
