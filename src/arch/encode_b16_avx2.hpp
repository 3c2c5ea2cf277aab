// The AVX2 form of the B = 16 encoder's plane codes (encode_b16.hpp: contract and scalar
// twin codes_b16_scalar): 16 planes a 256-bit register, so one register for W <= 15 and two
// for W = 16. Runtime dispatch: cpu.hpp (EBPC_TARGET_AVX2, no file is built with -mavx2).
#pragma once

#include "arch/cpu.hpp"
#include "arch/encode_b16.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include <immintrin.h>

namespace ebpc::arch {

namespace b16_avx2_detail {
EBPC_TARGET_AVX2 inline __m256i bit_if(__m256i lb, int mask, int bit) noexcept {  // bit where lb & mask != 0
  return _mm256_andnot_si256(
      _mm256_cmpeq_epi16(_mm256_and_si256(lb, _mm256_set1_epi16(static_cast<short>(mask))), _mm256_setzero_si256()),
      _mm256_set1_epi16(static_cast<short>(bit)));
}
template <int K>
EBPC_TARGET_AVX2 inline __m256i swap(__m256i x, int mask) noexcept {
  const __m256i m = _mm256_set1_epi16(static_cast<short>(mask));
  return _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(x, K), m), _mm256_slli_epi16(_mm256_and_si256(x, m), K));
}
EBPC_TARGET_AVX2 inline __m256i select(__m256i m, __m256i a, __m256i b) noexcept {  // m ? a : b
  return _mm256_blendv_epi8(b, a, m);
}
}  // namespace b16_avx2_detail

// codes_b16 as codes_b16_sse2 does it, 16 planes a register; the plane below each lane by
// a whole-register shift of one 16-bit lane (alignr over the lanes swapped). planes[] is
// read up to entry 16 * ceil((W + 1) / 16) - 1 (entries past W may hold anything).
EBPC_TARGET_AVX2 inline void codes_b16_avx2(const std::uint16_t* planes, unsigned w, std::uint32_t* code,
                                            std::uint32_t* len) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i data = _mm256_set1_epi16(static_cast<short>(0xfffe));
  const __m256i one = _mm256_set1_epi16(1);
  using b16_avx2_detail::bit_if;
  using b16_avx2_detail::select;
  using b16_avx2_detail::swap;
  std::uint32_t zm = 0;
  std::uint32_t carry = 0;  // the plane below the register's first
  for (unsigned p0 = 0; p0 <= w; p0 += 16) {
    const __m256i cur = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(planes + p0)), data);
    // Lane k gets plane k - 1: [0 | low half] aligned with cur, 14 bytes in.
    const __m256i lo_up = _mm256_permute2x128_si256(cur, cur, 0x08);
    const __m256i below = _mm256_or_si256(_mm256_alignr_epi8(cur, lo_up, 14),
                                          _mm256_zextsi128_si256(_mm_cvtsi32_si128(static_cast<int>(carry))));
    carry = planes[p0 + 15] & 0xfffeu;
    const __m256i d = _mm256_xor_si256(cur, below);
    const __m256i z = _mm256_cmpeq_epi16(d, zero);
    const __m256i lb = _mm256_and_si256(d, _mm256_sub_epi16(zero, d));
    const __m256i single = _mm256_cmpeq_epi16(d, lb);
    const __m256i pair =
        _mm256_andnot_si256(single, _mm256_cmpeq_epi16(_mm256_xor_si256(d, lb), _mm256_slli_epi16(lb, 1)));
    const __m256i log2 = _mm256_or_si256(_mm256_or_si256(bit_if(lb, 0xaaaa, 1), bit_if(lb, 0xcccc, 2)),
                                         _mm256_or_si256(bit_if(lb, 0xf0f0, 4), bit_if(lb, 0xff00, 8)));
    const __m256i idx = _mm256_sub_epi16(log2, one);
    __m256i rev = _mm256_or_si256(_mm256_slli_epi16(d, 8), _mm256_srli_epi16(d, 8));
    rev = swap<4>(rev, 0x0f0f);
    rev = swap<2>(rev, 0x3333);
    rev = swap<1>(rev, 0x5555);
    __m256i c = _mm256_or_si256(rev, _mm256_set1_epi16(static_cast<short>(KB16::dbx_head)));
    __m256i l = _mm256_set1_epi16(static_cast<short>(KB16::dbx_nbits));
    c = select(single, _mm256_or_si256(idx, _mm256_set1_epi16(static_cast<short>(KB16::one_one_head))), c);
    c = select(pair, _mm256_or_si256(idx, _mm256_set1_epi16(static_cast<short>(KB16::two_ones_head))), c);
    l = select(_mm256_or_si256(single, pair), _mm256_set1_epi16(static_cast<short>(KB16::index_symbol_nbits)), l);
    const __m256i dbp_zero = _mm256_cmpeq_epi16(cur, zero);
    const __m256i all_ones = _mm256_cmpeq_epi16(d, data);
    c = select(dbp_zero, _mm256_set1_epi16(static_cast<short>(KB16::zero_dbp)), c);
    c = select(all_ones, _mm256_set1_epi16(static_cast<short>(KB16::all_ones)), c);
    l = select(_mm256_or_si256(dbp_zero, all_ones), _mm256_set1_epi16(static_cast<short>(KB16::short_nbits)), l);
    c = _mm256_andnot_si256(z, c);
    l = _mm256_andnot_si256(z, l);
    zm |= static_cast<std::uint32_t>(_pext_u32(static_cast<std::uint32_t>(_mm256_movemask_epi8(z)), 0x55555555u)) << p0;
    // Widen to 32-bit entries.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(code + p0), _mm256_cvtepu16_epi32(_mm256_castsi256_si128(c)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(code + p0 + 8), _mm256_cvtepu16_epi32(_mm256_extracti128_si256(c, 1)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(len + p0), _mm256_cvtepu16_epi32(_mm256_castsi256_si128(l)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(len + p0 + 8), _mm256_cvtepu16_epi32(_mm256_extracti128_si256(l, 1)));
  }
  zero_runs_b16(zm & ((2u << w) - 1), ceil_log2(w), code, len);
}

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_AVX2
