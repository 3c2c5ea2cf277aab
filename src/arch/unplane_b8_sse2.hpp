// SSE2 kernels of the B = 8 decoder (contract: arch/unplane_b8.hpp; scalar twins:
// arch/unplane_b8_scalar.hpp): the x86-64 baseline, chosen at compile time (SSE2 is part
// of x86-64; there is no SSSE3, so no pshufb). The algorithm is the AVX2 kernels' with
// 128-bit registers:
// - W <= 8: two blocks per register (one per qword): segmented prefix XOR of the DBX
//   bytes, 8x8 bit transposes of the top-aligned planes, a byte-wise prefix sum of the
//   deltas, and the range check against the sign plane (a signed compare of each word with
//   the one before it: the sum wrapped exactly when that disagrees with the delta's sign).
// - W = 9..16: one block per register, 16-bit lanes; the planes are transposed where they
//   are and the deltas masked and shifted to the top afterwards (no byte shuffle).
// - Scatter: the scalar twins (a ctz loop per set bit); any_zero: compare + movemask.
#pragma once

#if defined(__SSE2__)
#define EBPC_ARCH_HAVE_SSE2_DECODE 1

#include <emmintrin.h>

#include <cstddef>
#include <cstdint>

#include "arch/unplane_b8.hpp"
#include "arch/unplane_b8_scalar.hpp"

namespace ebpc::arch {

namespace sse2_detail {

inline __m128i transpose8x8_epi64(__m128i x) noexcept {
  __m128i t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 7)), _mm_set1_epi64x(0x00AA00AA00AA00AAll));
  x = _mm_xor_si128(x, _mm_xor_si128(t, _mm_slli_epi64(t, 7)));
  t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 14)), _mm_set1_epi64x(0x0000CCCC0000CCCCll));
  x = _mm_xor_si128(x, _mm_xor_si128(t, _mm_slli_epi64(t, 14)));
  t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 28)), _mm_set1_epi64x(0x00000000F0F0F0F0ll));
  x = _mm_xor_si128(x, _mm_xor_si128(t, _mm_slli_epi64(t, 28)));
  return x;
}

// Byte p of each qword: p == 0 ? x : x ^ (flagged ? 0 : the byte before) accumulated (the
// planes from DBX bytes, restarted at bytes with bit 7 set), over all 8 bytes of each qword.
inline __m128i segmented_xor_scan_epi64(__m128i x) noexcept {
  const __m128i zero = _mm_setzero_si128();
  x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_epi64(x, 8)));
  x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_epi64(x, 16)));
  x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_epi64(x, 32)));
  return x;
}

}  // namespace sse2_detail

struct Sse2DecodeKernels {
  static constexpr const char* k_name = "sse2";
  using Bad = __m128i;  // non-zero lanes: some word out of range

  static inline Bad bad_none() noexcept { return _mm_setzero_si128(); }
  static inline bool bad_any(const Bad& bad) noexcept {
    return _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) != 0xffff;
  }
  static inline std::uint64_t low_ones(unsigned n) noexcept { return ScalarDecodeKernels::low_ones(n); }
  // x86-64 baseline has no popcnt (std::popcount would call libgcc): the SWAR count.
  static inline unsigned popcount64(std::uint64_t x) noexcept {
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
  }

  struct NarrowConsts {
    __m128i align, sign_at, down, low_bits, low7, bit_of_byte, keep7, bcast;
    unsigned w;
  };
  static inline NarrowConsts narrow_consts(unsigned w) noexcept {
    NarrowConsts k;
    k.align = _mm_cvtsi32_si128(static_cast<int>(8 * (8 - w)));
    k.sign_at = _mm_cvtsi32_si128(static_cast<int>(8 * w));
    k.down = _mm_cvtsi32_si128(static_cast<int>(8 - w));
    k.low_bits = _mm_set1_epi8(static_cast<char>(0xffu >> (8 - w)));
    k.low7 = _mm_set1_epi8(0x7f);
    k.bit_of_byte = _mm_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    k.keep7 = _mm_set1_epi64x(0x00ffffffffffffffll);
    k.bcast = _mm_set1_epi64x(0x01010101);
    k.w = w;
    return k;
  }

  // Two blocks (records k_narrow_stride apart, top-aligned bases) -> 16 bytes.
  static inline void unplane2_narrow(const std::uint8_t* recs, const std::uint8_t* bases8, const NarrowConsts& k,
                                     std::uint8_t* out, Bad& bad) noexcept {
    const __m128i zero = _mm_setzero_si128();
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(recs));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(recs + k_narrow_stride));
    __m128i lo = _mm_unpacklo_epi64(a, c);  // DBX 0..7 of blocks 0 | 1
    const __m128i hi = _mm_unpackhi_epi64(a, c);
    lo = _mm_and_si128(sse2_detail::segmented_xor_scan_epi64(lo), k.low7);  // planes 0..7
    const __m128i sign =
        k.w == 8 ? _mm_xor_si128(hi, _mm_andnot_si128(_mm_cmpgt_epi8(zero, hi), _mm_srli_epi64(lo, 56)))
                 : _mm_srl_epi64(lo, k.sign_at);
    // The sign plane (byte 0 of each qword) to every byte, then byte j = bit j of it.
    __m128i sb = _mm_mul_epu32(_mm_and_si128(sign, _mm_set1_epi64x(0xff)), k.bcast);
    sb = _mm_or_si128(sb, _mm_slli_epi64(sb, 32));
    const __m128i expect_lt = _mm_cmpeq_epi8(_mm_and_si128(sb, k.bit_of_byte), k.bit_of_byte);
    // Planes 0..W-1 to bytes 8-W..7: the transposes are then the deltas, top-aligned,
    // byte j = d[7-j]; byte 7 (column 7 is empty) takes the base.
    __m128i x = sse2_detail::transpose8x8_epi64(_mm_sll_epi64(lo, k.align));
    x = _mm_or_si128(x, _mm_set_epi64x(static_cast<long long>(std::uint64_t{bases8[1]} << 56),
                                       static_cast<long long>(std::uint64_t{bases8[0]} << 56)));
    x = _mm_add_epi8(x, _mm_srli_epi64(x, 8));
    x = _mm_add_epi8(x, _mm_srli_epi64(x, 16));
    x = _mm_add_epi8(x, _mm_srli_epi64(x, 32));  // byte j = v[7-j] << (8-W) (mod 2^8)
    const __m128i lt = _mm_cmpgt_epi8(_mm_srli_epi64(x, 8), x);  // byte j: v[7-j] < v[6-j]
    bad = _mm_or_si128(bad, _mm_and_si128(_mm_xor_si128(lt, expect_lt), k.keep7));
    if (k.w != 8) {
      x = _mm_and_si128(_mm_srl_epi16(x, k.down), k.low_bits);
    }
    // Bytes reversed in each qword: words reversed, then the bytes of each word swapped.
    x = _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0x1B), 0x1B);
    x = _mm_or_si128(_mm_slli_epi16(x, 8), _mm_srli_epi16(x, 8));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), x);
  }

  static inline void unplane4_narrow(const std::uint8_t* recs, const std::uint8_t* bases8, unsigned,
                                     const NarrowConsts& k, std::uint8_t* out, Bad& bad) noexcept {
    unplane2_narrow(recs, bases8, k, out, bad);
    unplane2_narrow(recs + 2 * k_narrow_stride, bases8 + 2, k, out + 16, bad);
  }

  struct WideConsts {
    __m128i up, low_w, low7, bit_of_word, keep7;
    unsigned w;
  };
  static inline WideConsts wide_consts(unsigned w) noexcept {
    WideConsts k;
    k.up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
    k.low_w = _mm_set1_epi16(static_cast<short>(0xffffu >> (16 - w)));
    k.low7 = _mm_set1_epi8(0x7f);
    k.bit_of_word = _mm_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128);
    k.keep7 = _mm_setr_epi16(-1, -1, -1, -1, -1, -1, -1, 0);
    k.w = w;
    return k;
  }

  // One block (DBX bytes 0..W, base a W-bit pattern) -> 8 uint16.
  static inline void unplane1_wide(const std::uint8_t* rec, std::uint16_t base, const WideConsts& k,
                                   std::uint16_t* out, Bad& bad) noexcept {
    const __m128i zero = _mm_setzero_si128();
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rec));
    x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_si128(x, 1)));
    x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_si128(x, 2)));
    x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_si128(x, 4)));
    x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi8(zero, x), _mm_slli_si128(x, 8)));
    x = _mm_and_si128(x, k.low7);  // planes 0..15
    // The sign plane: plane W (W < 16), or from DBX[16] and plane 15.
    alignas(16) std::uint8_t planes[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(planes), x);
    unsigned sign;
    if (k.w < 16) {
      sign = planes[k.w];
    } else {
      const unsigned d16 = rec[16];
      sign = (d16 & 0x80u) != 0 ? d16 : d16 ^ planes[15];
    }
    const __m128i expect_lt =
        _mm_cmpeq_epi16(_mm_and_si128(_mm_set1_epi16(static_cast<short>(sign)), k.bit_of_word), k.bit_of_word);
    // Transposes of the planes where they are (word c bit q = bit of plane q), planes past
    // W-1 masked off, shifted to the top: word c = d[7-c] << (16-W); word 7 takes the base.
    __m128i t = sse2_detail::transpose8x8_epi64(x);
    t = _mm_unpacklo_epi8(t, _mm_unpackhi_epi64(t, t));
    t = _mm_sll_epi16(_mm_and_si128(t, k.low_w), k.up);
    t = _mm_insert_epi16(t, static_cast<int>((unsigned{base} << (16 - k.w)) & 0xffffu), 7);
    t = _mm_add_epi16(t, _mm_srli_si128(t, 2));
    t = _mm_add_epi16(t, _mm_srli_si128(t, 4));
    t = _mm_add_epi16(t, _mm_srli_si128(t, 8));  // word c = v[7-c] << (16-W) (mod 2^16)
    const __m128i lt = _mm_cmpgt_epi16(_mm_srli_si128(t, 2), t);  // word c: v[7-c] < v[6-c]
    bad = _mm_or_si128(bad, _mm_and_si128(_mm_xor_si128(lt, expect_lt), k.keep7));
    t = _mm_srl_epi16(t, k.up);
    t = _mm_shuffle_epi32(_mm_shufflehi_epi16(_mm_shufflelo_epi16(t, 0x1B), 0x1B), 0x4E);  // words reversed
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), t);
  }

  static inline void unplane4_wide(const std::uint8_t* recs, const std::uint16_t* bases16, unsigned,
                                   const WideConsts& k, std::uint16_t* out, Bad& bad) noexcept {
    for (unsigned b = 0; b < 4; ++b) {
      unplane1_wide(recs + b * k_wide_stride, bases16[b], k, out + 8 * b, bad);
    }
  }

  template <class Word>
  static inline void scatter_narrow(const std::uint8_t* mbytes, std::size_t len, const std::uint8_t* src,
                                    Word* out) noexcept {
    ScalarDecodeKernels::scatter(mbytes, len, src, out);
  }
  template <class Word>
  static inline void scatter_wide(const std::uint8_t* mbytes, std::size_t len, const std::uint16_t* src,
                                  Word* out) noexcept {
    ScalarDecodeKernels::scatter(mbytes, len, src, out);
  }

  static inline bool any_zero_u8(const std::uint8_t* v, std::size_t count) noexcept {
    int hit = 0;
    std::size_t k = 0;
    const __m128i zero = _mm_setzero_si128();
    for (; k + 16 <= count; k += 16) {
      hit |= _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + k)), zero));
    }
    return hit != 0 || ScalarDecodeKernels::any_zero(v + k, count - k);
  }
  static inline bool any_zero_u16(const std::uint16_t* v, std::size_t count) noexcept {
    int hit = 0;
    std::size_t k = 0;
    const __m128i zero = _mm_setzero_si128();
    for (; k + 8 <= count; k += 8) {
      hit |= _mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + k)), zero));
    }
    return hit != 0 || ScalarDecodeKernels::any_zero(v + k, count - k);
  }
};

}  // namespace ebpc::arch

#endif  // __SSE2__
