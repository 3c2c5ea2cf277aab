// AVX2 kernel of the B = 16 decoder (contract: arch/unplane_b16.hpp; scalar twin:
// arch/unplane_b16_scalar.hpp). Every function carries EBPC_TARGET_AVX2 (arch/cpu.hpp):
// call them only when arch::use_avx2(). The SSE2 kernel's algorithm (unplane_b16_sse2.hpp)
// with one block in each 128-bit lane, and pshufb where SSE2 needs several instructions:
// the sign plane broadcast, the byte gathers before the transposes, the base into column
// 15, the lane reversal.
#pragma once

#include "arch/cpu.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "arch/unplane_b16.hpp"
#include "arch/unplane_b8_avx2.hpp"

namespace ebpc::arch {

namespace avx2_b16_detail {

// Per 128-bit lane, as sse2_b16_detail::segmented_xor_scan_epi16.
inline EBPC_TARGET_AVX2 __m256i segmented_xor_scan_epi16(__m256i x) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi16(zero, x), _mm256_slli_si256(x, 2)));
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi16(zero, x), _mm256_slli_si256(x, 4)));
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi16(zero, x), _mm256_slli_si256(x, 8)));
  return x;
}

// A pshufb control, the same in both lanes.
inline EBPC_TARGET_AVX2 __m256i lanes(const std::int8_t (&c)[16]) noexcept {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c));
  return _mm256_broadcastsi128_si256(v);
}

// Both blocks' entry p (p = 8 or 16: past the loaded planes), a 16-bit word in every word
// of its lane.
inline EBPC_TARGET_AVX2 __m256i entry_pair(const std::uint8_t* recs, unsigned p) noexcept {
  std::uint16_t a;
  std::uint16_t b;
  std::memcpy(&a, recs + 2 * p, 2);
  std::memcpy(&b, recs + k_b16_stride + 2 * p, 2);
  return _mm256_setr_m128i(_mm_set1_epi16(static_cast<short>(a)), _mm_set1_epi16(static_cast<short>(b)));
}

}  // namespace avx2_b16_detail

struct Avx2UnplaneB16 {
  static constexpr const char* k_name = "avx2+bmi2";
  using Bad = __m256i;  // non-zero lanes: some word out of range

  static inline EBPC_TARGET_AVX2 Bad bad_none() noexcept { return _mm256_setzero_si256(); }
  static inline EBPC_TARGET_AVX2 bool bad_any(const Bad& bad) noexcept { return _mm256_testz_si256(bad, bad) == 0; }

  struct Consts {
    __m128i align8, down8, up16;  // shift counts
    __m256i low15, low8, low_bits8, low_w, bit_of_byte, keep15, bits_lo, bits_hi, keep7;
    __m256i sign_at, lohi, spread, interleave, at7, bcast0, base8_to, base16_to, rev8, rev16;
    unsigned w;
  };
  static inline EBPC_TARGET_AVX2 Consts consts(unsigned w) noexcept {
    using avx2_b16_detail::lanes;
    Consts k;
    const unsigned nw = w < 8 ? w : 8;  // the narrow constants (W <= 8)
    k.align8 = _mm_cvtsi32_si128(static_cast<int>(8 * (8 - nw)));
    k.down8 = _mm_cvtsi32_si128(static_cast<int>(8 - nw));
    k.up16 = _mm_cvtsi32_si128(static_cast<int>(16 - w));
    k.low15 = _mm256_set1_epi16(0x7fff);
    k.low8 = _mm256_set1_epi16(0xff);
    k.low_bits8 = _mm256_set1_epi8(static_cast<char>(0xffu >> (8 - nw)));
    k.low_w = _mm256_set1_epi16(static_cast<short>(0xffffu >> (16 - w)));
    k.bit_of_byte = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    k.keep15 = _mm256_srli_si256(_mm256_set1_epi8(-1), 1);
    k.bits_lo = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
    const auto top = static_cast<short>(0x8000);
    k.bits_hi = _mm256_setr_epi16(0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, top, 0x100, 0x200, 0x400, 0x800,
                                  0x1000, 0x2000, 0x4000, top);
    k.keep7 = _mm256_setr_epi16(-1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, 0);
    // The sign plane's word (plane W of its register: W < 8 in the first, 9..15 in the
    // second) to every word of its lane.
    const auto sw = static_cast<std::int8_t>(2 * (w & 7));
    const std::int8_t sign_at[16] = {sw, static_cast<std::int8_t>(sw + 1), sw, static_cast<std::int8_t>(sw + 1), sw,
                                     static_cast<std::int8_t>(sw + 1), sw, static_cast<std::int8_t>(sw + 1), sw,
                                     static_cast<std::int8_t>(sw + 1), sw, static_cast<std::int8_t>(sw + 1), sw,
                                     static_cast<std::int8_t>(sw + 1), sw, static_cast<std::int8_t>(sw + 1)};
    k.sign_at = lanes(sign_at);
    // Low bytes of the eight words, then their high bytes.
    k.lohi = lanes({0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15});
    // A word broadcast: its low byte to bytes 0..7, its high byte to bytes 8..15.
    k.spread = lanes({0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1});
    // Word c = byte c | byte 8+c << 8.
    k.interleave = lanes({0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15});
    k.at7 = lanes({14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15});
    k.bcast0 = lanes({0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1});
    // The two bases (words 0 and 1 of a broadcast) to byte 15 / word 7 of lanes 0 and 1.
    k.base8_to = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1,
                                  -1, -1, -1, -1, -1, -1, -1, -1, -1, 2);
    k.base16_to = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, -1, -1, -1, -1,
                                   -1, -1, -1, -1, -1, -1, -1, -1, 2, 3);
    k.rev8 = lanes({15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
    k.rev16 = lanes({14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1});
    k.w = w;
    return k;
  }

  // W = 2..8: two blocks (a lane each) -> 32 bytes.
  static inline EBPC_TARGET_AVX2 void unplane2_narrow(const std::uint8_t* recs, const std::uint16_t* bases,
                                                      const Consts& k, std::uint8_t* out, Bad& bad) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i x = avx2_b16_detail::segmented_xor_scan_epi16(_mm256_loadu2_m128i(
        reinterpret_cast<const __m128i*>(recs + k_b16_stride), reinterpret_cast<const __m128i*>(recs)));
    const __m256i planes = _mm256_and_si256(x, k.low15);  // planes 0..7
    __m256i sign;
    if (k.w < 8) {
      sign = _mm256_shuffle_epi8(planes, k.sign_at);
    } else {
      const __m256i e8 = avx2_b16_detail::entry_pair(recs, 8);
      sign = _mm256_xor_si256(e8, _mm256_andnot_si256(_mm256_cmpgt_epi16(zero, e8), _mm256_shuffle_epi8(planes, k.at7)));
    }
    const __m256i sv = _mm256_shuffle_epi8(sign, k.spread);  // byte c: the sign plane's byte c / 8
    const __m256i expect_lt = _mm256_cmpeq_epi8(_mm256_and_si256(sv, k.bit_of_byte), k.bit_of_byte);
    __m256i t = _mm256_shuffle_epi8(planes, k.lohi);
    t = avx2_detail::transpose8x8_epi64(_mm256_sll_epi64(t, k.align8));  // byte c = d[15-c] << (8-W)
    std::uint32_t b2;
    std::memcpy(&b2, bases, 4);
    t = _mm256_or_si256(t, _mm256_shuffle_epi8(_mm256_sll_epi16(_mm256_set1_epi32(static_cast<int>(b2)), k.down8),
                                               k.base8_to));
    t = _mm256_add_epi8(t, _mm256_srli_si256(t, 1));
    t = _mm256_add_epi8(t, _mm256_srli_si256(t, 2));
    t = _mm256_add_epi8(t, _mm256_srli_si256(t, 4));
    t = _mm256_add_epi8(t, _mm256_srli_si256(t, 8));  // byte c = v[15-c] << (8-W) (mod 2^8)
    const __m256i lt = _mm256_cmpgt_epi8(_mm256_srli_si256(t, 1), t);
    bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_xor_si256(lt, expect_lt), k.keep15));
    if (k.w != 8) {
      t = _mm256_and_si256(_mm256_srl_epi16(t, k.down8), k.low_bits8);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_shuffle_epi8(t, k.rev8));
  }

  // W = 9..16: two blocks (a lane each) -> 32 uint16.
  static inline EBPC_TARGET_AVX2 void unplane2_wide(const std::uint8_t* recs, const std::uint16_t* bases,
                                                    const Consts& k, std::uint16_t* out, Bad& bad) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i x0 = avx2_b16_detail::segmented_xor_scan_epi16(_mm256_loadu2_m128i(
        reinterpret_cast<const __m128i*>(recs + k_b16_stride), reinterpret_cast<const __m128i*>(recs)));
    __m256i x1 = avx2_b16_detail::segmented_xor_scan_epi16(_mm256_loadu2_m128i(
        reinterpret_cast<const __m128i*>(recs + k_b16_stride + 16), reinterpret_cast<const __m128i*>(recs + 16)));
    const __m256i c = _mm256_and_si256(_mm256_shuffle_epi8(x0, k.at7), k.low15);
    x1 = _mm256_xor_si256(x1, _mm256_andnot_si256(_mm256_cmpgt_epi16(zero, x1), c));
    const __m256i p0 = _mm256_and_si256(x0, k.low15);  // planes 0..7
    const __m256i p1 = _mm256_and_si256(x1, k.low15);  // planes 8..15
    __m256i sign;
    if (k.w < 16) {
      sign = _mm256_shuffle_epi8(p1, k.sign_at);
    } else {
      const __m256i e16 = avx2_b16_detail::entry_pair(recs, 16);
      sign = _mm256_and_si256(
          _mm256_xor_si256(e16, _mm256_andnot_si256(_mm256_cmpgt_epi16(zero, e16), _mm256_shuffle_epi8(p1, k.at7))),
          k.low15);
    }
    const __m256i e_lo = _mm256_cmpeq_epi16(_mm256_and_si256(sign, k.bits_lo), k.bits_lo);
    const __m256i e_hi = _mm256_cmpeq_epi16(_mm256_and_si256(sign, k.bits_hi), k.bits_hi);
    const __m256i g0 = _mm256_shuffle_epi8(p0, k.lohi);  // low bytes of planes 0..7 | high bytes
    const __m256i g1 = _mm256_shuffle_epi8(p1, k.lohi);
    const __m256i tl = avx2_detail::transpose8x8_epi64(_mm256_unpacklo_epi64(g0, g1));
    const __m256i th = avx2_detail::transpose8x8_epi64(_mm256_unpackhi_epi64(g0, g1));
    __m256i o_lo = _mm256_shuffle_epi8(tl, k.interleave);  // columns 0..7
    __m256i o_hi = _mm256_shuffle_epi8(th, k.interleave);  // columns 8..15
    o_lo = _mm256_sll_epi16(_mm256_and_si256(o_lo, k.low_w), k.up16);
    std::uint32_t b2;
    std::memcpy(&b2, bases, 4);
    o_hi = _mm256_or_si256(_mm256_and_si256(o_hi, k.low_w),
                           _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(b2)), k.base16_to));
    o_hi = _mm256_sll_epi16(o_hi, k.up16);
    o_hi = _mm256_add_epi16(o_hi, _mm256_srli_si256(o_hi, 2));
    o_hi = _mm256_add_epi16(o_hi, _mm256_srli_si256(o_hi, 4));
    o_hi = _mm256_add_epi16(o_hi, _mm256_srli_si256(o_hi, 8));
    o_lo = _mm256_add_epi16(o_lo, _mm256_srli_si256(o_lo, 2));
    o_lo = _mm256_add_epi16(o_lo, _mm256_srli_si256(o_lo, 4));
    o_lo = _mm256_add_epi16(o_lo, _mm256_srli_si256(o_lo, 8));
    o_lo = _mm256_add_epi16(o_lo, _mm256_shuffle_epi8(o_hi, k.bcast0));  // lane c = v[15-c] << (16-W)
    const __m256i lt_lo = _mm256_cmpgt_epi16(_mm256_alignr_epi8(o_hi, o_lo, 2), o_lo);
    const __m256i lt_hi = _mm256_cmpgt_epi16(_mm256_srli_si256(o_hi, 2), o_hi);
    bad = _mm256_or_si256(
        bad, _mm256_or_si256(_mm256_xor_si256(lt_lo, e_lo), _mm256_and_si256(_mm256_xor_si256(lt_hi, e_hi), k.keep7)));
    const __m256i r_hi = _mm256_shuffle_epi8(_mm256_srl_epi16(o_hi, k.up16), k.rev16);  // words 0..7 of each block
    const __m256i r_lo = _mm256_shuffle_epi8(_mm256_srl_epi16(o_lo, k.up16), k.rev16);  // words 8..15
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute2x128_si256(r_hi, r_lo, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16), _mm256_permute2x128_si256(r_hi, r_lo, 0x31));
  }
};

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_AVX2
