// SSE2 kernel of the B = 16 decoder (contract: arch/unplane_b16.hpp; scalar twin:
// arch/unplane_b16_scalar.hpp). Plain SSE2 (no pshufb, no variable lane shifts), so that
// both instantiations of the decoder body use it (in the AVX2 one it is compiled to VEX
// code where the AVX2 kernel is not used). One block at a time:
// - prefix XOR of the 16-bit DBX entries (a segmented scan, restarted at the entries flagged
//   0x8000) in one register (W <= 8: planes 0..7) or two (planes 0..15, the chain carried
//   from the first into the unflagged head of the second); the sign plane W in scalar code;
// - bit transpose with the 8x8 qword transposes of the B = 8 kernels: W <= 8, the low and
//   high bytes of the planes, top-aligned (planes 0..W-1 to rows 8-W..7), are one register,
//   which becomes the 16 columns as bytes (byte c = d[15-c] << (8-W)); W > 8, the low and
//   high bytes of planes 0..15 are two registers, which become the columns as 16-bit lanes;
// - the base in the empty column 15, a suffix sum of the columns (byte c or lane c =
//   v[15-c], top-aligned, mod 2^8 or 2^16), the range check against the sign plane (a signed
//   compare of each word with the one before it: the sum wrapped exactly when that
//   disagrees with the delta's sign), the words back down and reversed.
#pragma once

#include "arch/unplane_b8_sse2.hpp"

#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)

#include <emmintrin.h>

#include <cstdint>
#include <cstring>

#include "arch/unplane_b16.hpp"

namespace ebpc::arch {

namespace sse2_b16_detail {

// Entry p of the 16-bit lanes: p == 0 ? x : x ^ (flagged ? 0 : the lanes before,
// accumulated since the last flag); the flag (bit 15) passes on.
inline __m128i segmented_xor_scan_epi16(__m128i x) noexcept {
  const __m128i zero = _mm_setzero_si128();
  x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi16(zero, x), _mm_slli_si128(x, 2)));
  x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi16(zero, x), _mm_slli_si128(x, 4)));
  x = _mm_xor_si128(x, _mm_andnot_si128(_mm_cmpgt_epi16(zero, x), _mm_slli_si128(x, 8)));
  return x;
}

// The eight 16-bit lanes in reverse order.
inline __m128i reverse_epi16(__m128i x) noexcept {
  return _mm_shuffle_epi32(_mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0x1B), 0x1B), 0x4E);
}

inline std::uint16_t load_u16(const std::uint8_t* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

}  // namespace sse2_b16_detail

struct Sse2UnplaneB16 {
  static constexpr const char* k_name = "sse2";
  using Bad = __m128i;  // non-zero lanes: some word out of range

  static inline Bad bad_none() noexcept { return _mm_setzero_si128(); }
  static inline bool bad_any(const Bad& bad) noexcept {
    return _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) != 0xffff;
  }

  struct Consts {
    __m128i align8, down8, up16;                              // shift counts
    __m128i low15, low8, low_bits8, low_w, bit_of_byte, keep15, bits_lo, bits_hi, keep7;
    unsigned w;
  };
  static inline Consts consts(unsigned w) noexcept {
    Consts k;
    const unsigned nw = w < 8 ? w : 8;  // the narrow constants (W <= 8)
    k.align8 = _mm_cvtsi32_si128(static_cast<int>(8 * (8 - nw)));
    k.down8 = _mm_cvtsi32_si128(static_cast<int>(8 - nw));
    k.up16 = _mm_cvtsi32_si128(static_cast<int>(16 - w));
    k.low15 = _mm_set1_epi16(0x7fff);
    k.low8 = _mm_set1_epi16(0xff);
    k.low_bits8 = _mm_set1_epi8(static_cast<char>(0xffu >> (8 - nw)));
    k.low_w = _mm_set1_epi16(static_cast<short>(0xffffu >> (16 - w)));
    k.bit_of_byte = _mm_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    k.keep15 = _mm_srli_si128(_mm_set1_epi8(-1), 1);
    k.bits_lo = _mm_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128);
    k.bits_hi = _mm_setr_epi16(0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, static_cast<short>(0x8000));
    k.keep7 = _mm_setr_epi16(-1, -1, -1, -1, -1, -1, -1, 0);
    k.w = w;
    return k;
  }

  // W = 2..8: one block (entries 0..W) and its base -> 16 bytes.
  static inline void unplane1_narrow(const std::uint8_t* rec, std::uint16_t base, const Consts& k, std::uint8_t* out,
                                    Bad& bad) noexcept {
    using namespace sse2_b16_detail;
    const __m128i planes =
        _mm_and_si128(segmented_xor_scan_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rec))), k.low15);
    unsigned sign;
    if (k.w < 8) {
      alignas(16) std::uint16_t pl[8];
      _mm_store_si128(reinterpret_cast<__m128i*>(pl), planes);
      sign = pl[k.w];
    } else {
      const unsigned e8 = load_u16(rec + 16);
      sign = ((e8 & 0x8000u) != 0 ? e8 : e8 ^ static_cast<unsigned>(_mm_extract_epi16(planes, 7))) & 0x7fffu;
    }
    // Bytes 0..7: low bytes of planes 0..7; bytes 8..15: high bytes. Planes 0..W-1 to rows
    // 8-W..7 (planes W.. shifted out), then byte c = column c = d[15-c] << (8-W).
    __m128i t = _mm_packus_epi16(_mm_and_si128(planes, k.low8), _mm_srli_epi16(planes, 8));
    t = sse2_detail::transpose8x8_epi64(_mm_sll_epi64(t, k.align8));
    t = _mm_or_si128(t, _mm_slli_si128(_mm_cvtsi32_si128(static_cast<int>((unsigned{base} << (8 - k.w)) & 0xffu)), 15));
    t = _mm_add_epi8(t, _mm_srli_si128(t, 1));
    t = _mm_add_epi8(t, _mm_srli_si128(t, 2));
    t = _mm_add_epi8(t, _mm_srli_si128(t, 4));
    t = _mm_add_epi8(t, _mm_srli_si128(t, 8));  // byte c = v[15-c] << (8-W) (mod 2^8)
    // Byte c: bit c of the sign plane (the sign of d[15-c]).
    __m128i sv = _mm_cvtsi32_si128(static_cast<int>(sign));
    sv = _mm_unpacklo_epi8(sv, sv);
    sv = _mm_unpacklo_epi16(sv, sv);
    sv = _mm_unpacklo_epi32(sv, sv);  // bytes 0..7: sign & 0xff, bytes 8..15: sign >> 8
    const __m128i expect_lt = _mm_cmpeq_epi8(_mm_and_si128(sv, k.bit_of_byte), k.bit_of_byte);
    const __m128i lt = _mm_cmpgt_epi8(_mm_srli_si128(t, 1), t);  // byte c: v[15-c] < v[14-c]
    bad = _mm_or_si128(bad, _mm_and_si128(_mm_xor_si128(lt, expect_lt), k.keep15));
    if (k.w != 8) {
      t = _mm_and_si128(_mm_srl_epi16(t, k.down8), k.low_bits8);
    }
    t = reverse_epi16(t);
    t = _mm_or_si128(_mm_slli_epi16(t, 8), _mm_srli_epi16(t, 8));  // bytes reversed: byte i = v[i]
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), t);
  }

  // W = 9..16: one block (entries 0..W) and its base -> 16 uint16.
  static inline void unplane1_wide(const std::uint8_t* rec, std::uint16_t base, const Consts& k, std::uint16_t* out,
                                  Bad& bad) noexcept {
    using namespace sse2_b16_detail;
    const __m128i zero = _mm_setzero_si128();
    const __m128i x0 = segmented_xor_scan_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rec)));
    __m128i x1 = segmented_xor_scan_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rec + 16)));
    // Plane 7 into the head of planes 8..15 (up to their first flag).
    __m128i c = _mm_shufflehi_epi16(x0, 0xFF);
    c = _mm_and_si128(_mm_unpackhi_epi64(c, c), k.low15);
    x1 = _mm_xor_si128(x1, _mm_andnot_si128(_mm_cmpgt_epi16(zero, x1), c));
    const __m128i p0 = _mm_and_si128(x0, k.low15);  // planes 0..7
    const __m128i p1 = _mm_and_si128(x1, k.low15);  // planes 8..15
    unsigned sign;
    if (k.w < 16) {
      alignas(16) std::uint16_t pl[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(pl), p0);
      _mm_store_si128(reinterpret_cast<__m128i*>(pl + 8), p1);
      sign = pl[k.w];
    } else {
      const unsigned e16 = load_u16(rec + 32);
      sign = ((e16 & 0x8000u) != 0 ? e16 : e16 ^ static_cast<unsigned>(_mm_extract_epi16(p1, 7))) & 0x7fffu;
    }
    // Low and high bytes of planes 0..7 | 8..15, transposed: lane c = column c (bit q = bit c
    // of plane q), planes past W-1 masked off, shifted to the top: lane c = d[15-c] << (16-W).
    const __m128i lo = _mm_packus_epi16(_mm_and_si128(p0, k.low8), _mm_and_si128(p1, k.low8));
    const __m128i hi = _mm_packus_epi16(_mm_srli_epi16(p0, 8), _mm_srli_epi16(p1, 8));
    const __m128i tl = sse2_detail::transpose8x8_epi64(lo);
    const __m128i th = sse2_detail::transpose8x8_epi64(hi);
    __m128i o_lo = _mm_unpacklo_epi8(tl, _mm_unpackhi_epi64(tl, tl));  // columns 0..7
    __m128i o_hi = _mm_unpacklo_epi8(th, _mm_unpackhi_epi64(th, th));  // columns 8..15
    o_lo = _mm_sll_epi16(_mm_and_si128(o_lo, k.low_w), k.up16);
    o_hi = _mm_sll_epi16(_mm_and_si128(o_hi, k.low_w), k.up16);
    o_hi = _mm_insert_epi16(o_hi, static_cast<int>((unsigned{base} << (16 - k.w)) & 0xffffu), 7);
    o_hi = _mm_add_epi16(o_hi, _mm_srli_si128(o_hi, 2));
    o_hi = _mm_add_epi16(o_hi, _mm_srli_si128(o_hi, 4));
    o_hi = _mm_add_epi16(o_hi, _mm_srli_si128(o_hi, 8));
    o_lo = _mm_add_epi16(o_lo, _mm_srli_si128(o_lo, 2));
    o_lo = _mm_add_epi16(o_lo, _mm_srli_si128(o_lo, 4));
    o_lo = _mm_add_epi16(o_lo, _mm_srli_si128(o_lo, 8));
    o_lo = _mm_add_epi16(o_lo, _mm_shuffle_epi32(_mm_shufflelo_epi16(o_hi, 0), 0));  // lane c = v[15-c] << (16-W)
    const __m128i sv = _mm_set1_epi16(static_cast<short>(sign));
    const __m128i e_lo = _mm_cmpeq_epi16(_mm_and_si128(sv, k.bits_lo), k.bits_lo);
    const __m128i e_hi = _mm_cmpeq_epi16(_mm_and_si128(sv, k.bits_hi), k.bits_hi);
    const __m128i lt_lo = _mm_cmpgt_epi16(_mm_or_si128(_mm_srli_si128(o_lo, 2), _mm_slli_si128(o_hi, 14)), o_lo);
    const __m128i lt_hi = _mm_cmpgt_epi16(_mm_srli_si128(o_hi, 2), o_hi);
    bad = _mm_or_si128(bad, _mm_or_si128(_mm_xor_si128(lt_lo, e_lo), _mm_and_si128(_mm_xor_si128(lt_hi, e_hi), k.keep7)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), reverse_epi16(_mm_srl_epi16(o_hi, k.up16)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 8), reverse_epi16(_mm_srl_epi16(o_lo, k.up16)));
  }

  static inline void unplane2_narrow(const std::uint8_t* recs, const std::uint16_t* bases, const Consts& k,
                                     std::uint8_t* out, Bad& bad) noexcept {
    unplane1_narrow(recs, bases[0], k, out, bad);
    unplane1_narrow(recs + k_b16_stride, bases[1], k, out + 16, bad);
  }
  static inline void unplane2_wide(const std::uint8_t* recs, const std::uint16_t* bases, const Consts& k,
                                   std::uint16_t* out, Bad& bad) noexcept {
    unplane1_wide(recs, bases[0], k, out, bad);
    unplane1_wide(recs + k_b16_stride, bases[1], k, out + 16, bad);
  }
};

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_SSE2_DECODE
