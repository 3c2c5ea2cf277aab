// AVX2 + BMI2 kernels of the B = 8 decoder (contract: arch/unplane_b8.hpp; scalar twins:
// arch/unplane_b8_scalar.hpp). Every function carries EBPC_TARGET_AVX2 (no file is built
// with -mavx2, arch/cpu.hpp): call them only when arch::use_avx2().
//
// - W <= 8: four blocks at a time in AVX2: prefix XOR of the DBX bytes (the planes, a
//   segmented scan restarted at the bytes flagged 0x80), 8x8 bit transposes, a byte-wise
//   prefix sum of the top-aligned deltas (the sums mod 2^W), and the range check against
//   the sign plane. W = 9..16: the same with two blocks per register and 16-bit lanes.
// - Scatter with BMI2 pdep (W <= 8: 8 words per mask byte) or a pshufb expand (W > 8).
#pragma once

#include "arch/cpu.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "arch/unplane_b8.hpp"

namespace ebpc::arch {

namespace avx2_detail {

inline std::uint64_t load_u64(const void* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void store_u64(void* p, std::uint64_t v) noexcept { std::memcpy(p, &v, 8); }

inline EBPC_TARGET_AVX2 __m256i transpose8x8_epi64(__m256i x) noexcept {
  __m256i t = _mm256_and_si256(_mm256_xor_si256(x, _mm256_srli_epi64(x, 7)), _mm256_set1_epi64x(0x00AA00AA00AA00AAll));
  x = _mm256_xor_si256(x, _mm256_xor_si256(t, _mm256_slli_epi64(t, 7)));
  t = _mm256_and_si256(_mm256_xor_si256(x, _mm256_srli_epi64(x, 14)), _mm256_set1_epi64x(0x0000CCCC0000CCCCll));
  x = _mm256_xor_si256(x, _mm256_xor_si256(t, _mm256_slli_epi64(t, 14)));
  t = _mm256_and_si256(_mm256_xor_si256(x, _mm256_srli_epi64(x, 28)), _mm256_set1_epi64x(0x00000000F0F0F0F0ll));
  x = _mm256_xor_si256(x, _mm256_xor_si256(t, _mm256_slli_epi64(t, 28)));
  return x;
}

template <class Word>
inline EBPC_TARGET_AVX2 void put8_from_bytes(Word* o, std::uint64_t v) noexcept {
  if constexpr (sizeof(Word) == 1) {
    avx2_detail::store_u64(o, v);
  } else if constexpr (sizeof(Word) == 2) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o),
                     _mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<long long>(v))));
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o),
                        _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(v))));
  }
}

template <class Word>
inline EBPC_TARGET_AVX2 void put8_from_words(Word* o, __m128i v) noexcept {
  if constexpr (sizeof(Word) == 2) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_cvtepu16_epi32(v));
  }
}

}  // namespace avx2_detail

struct Avx2DecodeKernels {
  static constexpr const char* k_name = "avx2+bmi2";
  using Bad = __m256i;  // non-zero lanes: some word out of range

  static inline EBPC_TARGET_AVX2 Bad bad_none() noexcept { return _mm256_setzero_si256(); }
  static inline EBPC_TARGET_AVX2 bool bad_any(const Bad& bad) noexcept { return _mm256_testz_si256(bad, bad) == 0; }
  static inline EBPC_TARGET_AVX2 std::uint64_t low_ones(unsigned n) noexcept { return _bzhi_u64(~std::uint64_t{0}, n); }
  static inline EBPC_TARGET_AVX2 unsigned popcount64(std::uint64_t x) noexcept {
    return static_cast<unsigned>(_mm_popcnt_u64(x));
  }

  struct NarrowConsts {
    __m128i align, sign_at, down;
    __m256i low_bits, low7, bit_of_byte, keep7, bcast0, base_to, rev;
  };

  static inline EBPC_TARGET_AVX2 NarrowConsts narrow_consts(unsigned w) noexcept {
    NarrowConsts k;
    k.align = _mm_cvtsi32_si128(static_cast<int>(8 * (8 - w)));
    k.sign_at = _mm_cvtsi32_si128(static_cast<int>(8 * w));
    k.down = _mm_cvtsi32_si128(static_cast<int>(8 - w));
    k.low_bits = _mm256_set1_epi8(static_cast<char>(0xffu >> (8 - w)));
    k.bit_of_byte = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    k.keep7 = _mm256_set1_epi64x(0x00ffffffffffffffll);
    k.low7 = _mm256_set1_epi8(0x7f);
    // Byte 0 of each qword to all its bytes.
    k.bcast0 = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8,
                                8, 8);
    // Qwords hold blocks 0, 2 | 1, 3: the bases (bytes 0..3 of the broadcast) go to byte 7.
    k.base_to = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, 2, -1, -1, -1, -1, -1, -1, -1,
                                 1, -1, -1, -1, -1, -1, -1, -1, 3);
    k.rev = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12,
                             11, 10, 9, 8);
    return k;
  }

  // Four blocks: DBX records (16 bytes each) and top-aligned bases -> 32 words (bytes).
  // bad collects the range-check failures (non-zero lanes).
  static inline EBPC_TARGET_AVX2 void unplane4_narrow(const std::uint8_t* recs, const std::uint8_t* bases8, unsigned w,
                                                      const NarrowConsts& k, std::uint8_t* out, __m256i& bad) noexcept {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(recs));
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(recs + 32));
    __m256i lo = _mm256_unpacklo_epi64(a, c);  // DBX 0..7 of blocks 0, 2 | 1, 3
    const __m256i hi = _mm256_unpackhi_epi64(a, c);
    // Prefix XOR, restarted at the bytes flagged 0x80 (a segmented scan: a flagged byte
    // takes nothing from before it, and passes its flag on).
    const __m256i zero = _mm256_setzero_si256();
    lo = _mm256_xor_si256(lo, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, lo), _mm256_slli_epi64(lo, 8)));
    lo = _mm256_xor_si256(lo, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, lo), _mm256_slli_epi64(lo, 16)));
    lo = _mm256_xor_si256(lo, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, lo), _mm256_slli_epi64(lo, 32)));
    lo = _mm256_and_si256(lo, k.low7);  // planes 0..7 (those past W unused)
    // The sign plane (bit 7 of its byte is ignored below).
    const __m256i sign =
        w == 8 ? _mm256_xor_si256(hi, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, hi), _mm256_srli_epi64(lo, 56)))
               : _mm256_srl_epi64(lo, k.sign_at);
    const __m256i sb = _mm256_shuffle_epi8(sign, k.bcast0);
    const __m256i expect_lt = _mm256_cmpeq_epi8(_mm256_and_si256(sb, k.bit_of_byte), k.bit_of_byte);
    // Planes 0..W-1 to bytes 8-W..7: the transposes are then the deltas, top-aligned,
    // byte j = d[7-j]; byte 7 (column 7 is empty) takes the base.
    __m256i x = avx2_detail::transpose8x8_epi64(_mm256_sll_epi64(lo, k.align));
    std::uint32_t b4;
    std::memcpy(&b4, bases8, 4);
    x = _mm256_or_si256(x, _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(b4)), k.base_to));
    x = _mm256_add_epi8(x, _mm256_srli_epi64(x, 8));
    x = _mm256_add_epi8(x, _mm256_srli_epi64(x, 16));
    x = _mm256_add_epi8(x, _mm256_srli_epi64(x, 32));  // byte j = v[7-j] << (8-W) (mod 2^8)
    const __m256i lt = _mm256_cmpgt_epi8(_mm256_srli_epi64(x, 8), x);  // byte j: v[7-j] < v[6-j]
    bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_xor_si256(lt, expect_lt), k.keep7));
    if (w != 8) {
      x = _mm256_and_si256(_mm256_srl_epi16(x, k.down), k.low_bits);
    }
    x = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(x, k.rev), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), x);
  }

  // W = 9..16: two blocks at a time, one per 128-bit lane, words as 16-bit lanes.
  struct WideConsts {
    __m128i up;  // 16 - W
    __m256i align, low7, bit_of_word, keep7, interleave, base_to, rev, at_w, at_15;
  };

  static inline EBPC_TARGET_AVX2 WideConsts wide_consts(unsigned w) noexcept {
    WideConsts k;
    k.up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
    alignas(32) std::int8_t align[32];
    alignas(32) std::int8_t at_w[32];
    for (int i = 0; i < 16; ++i) {
      // Planes 0..W-1 to bytes 16-W..15 (those past W dropped).
      const int from = i - static_cast<int>(16 - w);
      align[i] = align[i + 16] = static_cast<std::int8_t>(from >= 0 ? from : -1);
      at_w[i] = at_w[i + 16] = static_cast<std::int8_t>(w < 16 ? w : 0);
    }
    k.align = _mm256_load_si256(reinterpret_cast<const __m256i*>(align));
    k.at_w = _mm256_load_si256(reinterpret_cast<const __m256i*>(at_w));
    k.at_15 = _mm256_set1_epi8(15);
    k.low7 = _mm256_set1_epi8(0x7f);
    k.bit_of_word = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
    k.keep7 = _mm256_setr_epi16(-1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, 0);
    // Word c = byte c (bits 0..7 of the transposed rows 0..7) | byte 8+c << 8.
    k.interleave = _mm256_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15, 0, 8, 1, 9, 2, 10, 3, 11, 4,
                                    12, 5, 13, 6, 14, 7, 15);
    // Bases (words 0, 1 of the broadcast) to word 7 of each lane.
    k.base_to = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, -1, -1, -1, -1, -1,
                                 -1, -1, -1, -1, -1, -1, -1, 2, 3);
    k.rev = _mm256_setr_epi8(14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1, 14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4,
                             5, 2, 3, 0, 1);
    return k;
  }

  // Two blocks (records k_wide_stride apart, DBX bytes 0..W) and bases -> 16 words.
  static inline EBPC_TARGET_AVX2 void unplane2_wide(const std::uint8_t* recs, const std::uint16_t* bases16, unsigned w,
                                                    const WideConsts& k, std::uint16_t* out, __m256i& bad) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    __m256i x = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(recs + k_wide_stride),
                                    reinterpret_cast<const __m128i*>(recs));
    // Segmented prefix XOR over the planes (as unplane4_narrow), per lane.
    x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 1)));
    x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 2)));
    x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 4)));
    x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 8)));
    x = _mm256_and_si256(x, k.low7);
    // The sign plane, broadcast over its lane: plane W (W < 16) or from DBX[16].
    __m256i sign;
    if (w < 16) {
      sign = _mm256_shuffle_epi8(x, k.at_w);
    } else {
      const __m256i d16 = _mm256_setr_m128i(_mm_set1_epi8(static_cast<char>(recs[16])),
                                            _mm_set1_epi8(static_cast<char>(recs[k_wide_stride + 16])));
      sign = _mm256_xor_si256(d16, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, d16), _mm256_shuffle_epi8(x, k.at_15)));
    }
    const __m256i sw = _mm256_and_si256(sign, _mm256_set1_epi16(0xff));
    const __m256i expect_lt = _mm256_cmpeq_epi16(_mm256_and_si256(sw, k.bit_of_word), k.bit_of_word);
    // Transposes of the top-aligned planes: word c = d[7-c] << (16-W); word 7 takes the base.
    x = _mm256_shuffle_epi8(avx2_detail::transpose8x8_epi64(_mm256_shuffle_epi8(x, k.align)), k.interleave);
    std::uint32_t b2;
    std::memcpy(&b2, bases16, 4);
    x = _mm256_or_si256(x, _mm256_sll_epi16(_mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(b2)), k.base_to), k.up));
    x = _mm256_add_epi16(x, _mm256_srli_si256(x, 2));
    x = _mm256_add_epi16(x, _mm256_srli_si256(x, 4));
    x = _mm256_add_epi16(x, _mm256_srli_si256(x, 8));  // word c = v[7-c] << (16-W) (mod 2^16)
    const __m256i lt = _mm256_cmpgt_epi16(_mm256_srli_si256(x, 2), x);  // word c: v[7-c] < v[6-c]
    bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_xor_si256(lt, expect_lt), k.keep7));
    x = _mm256_shuffle_epi8(_mm256_srl_epi16(x, k.up), k.rev);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), x);
  }

  static inline EBPC_TARGET_AVX2 void unplane4_wide(const std::uint8_t* recs, const std::uint16_t* bases16, unsigned w,
                                                    const WideConsts& k, std::uint16_t* out, __m256i& bad) noexcept {
    unplane2_wide(recs, bases16, w, k, out, bad);
    unplane2_wide(recs + 2 * k_wide_stride, bases16 + 2, w, k, out + 16, bad);
  }

  template <class Word>
  static inline EBPC_TARGET_AVX2 void scatter_narrow(const std::uint8_t* mbytes, std::size_t len, const std::uint8_t* src,
                                       Word* o) noexcept {
    const std::size_t nfull = len / 8;
    for (std::size_t k = 0; k < nfull; ++k) {
      const unsigned mb = mbytes[k];
      avx2_detail::put8_from_bytes(o + 8 * k, _pdep_u64(avx2_detail::load_u64(src), k_expand_bytes.t[mb]));
      src += _mm_popcnt_u32(mb);
    }
    if (nfull * 8 < len) {
      Word tmp[8];
      avx2_detail::put8_from_bytes(tmp, _pdep_u64(avx2_detail::load_u64(src), k_expand_bytes.t[mbytes[nfull]]));
      std::memcpy(o + 8 * nfull, tmp, (len - 8 * nfull) * sizeof(Word));
    }
  }

  template <class Word>
  static inline EBPC_TARGET_AVX2 void scatter_wide(const std::uint8_t* mbytes, std::size_t len, const std::uint16_t* src,
                                     Word* o) noexcept {
    const std::size_t nfull = len / 8;
    for (std::size_t k = 0; k < nfull; ++k) {
      const unsigned mb = mbytes[k];
      const __m128i ctl = _mm_load_si128(reinterpret_cast<const __m128i*>(k_expand16.t[mb]));
      avx2_detail::put8_from_words(o + 8 * k, _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)), ctl));
      src += _mm_popcnt_u32(mb);
    }
    if (nfull * 8 < len) {
      Word tmp[8];
      const __m128i ctl = _mm_load_si128(reinterpret_cast<const __m128i*>(k_expand16.t[mbytes[nfull]]));
      avx2_detail::put8_from_words(tmp, _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)), ctl));
      std::memcpy(o + 8 * nfull, tmp, (len - 8 * nfull) * sizeof(Word));
    }
  }

  // True when one of v[0..count) is zero.
  static inline EBPC_TARGET_AVX2 bool any_zero_u8(const std::uint8_t* v, std::size_t count) noexcept {
    std::uint32_t hit = 0;
    std::size_t k = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; k + 32 <= count; k += 32) {
      hit |= static_cast<std::uint32_t>(
          _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + k)), zero)));
    }
    for (; k < count; ++k) {
      hit |= std::uint32_t{v[k] == 0};
    }
    return hit != 0;
  }

  static inline EBPC_TARGET_AVX2 bool any_zero_u16(const std::uint16_t* v, std::size_t count) noexcept {
    std::uint32_t hit = 0;
    std::size_t k = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; k + 16 <= count; k += 16) {
      hit |= static_cast<std::uint32_t>(
          _mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + k)), zero)));
    }
    for (; k < count; ++k) {
      hit |= std::uint32_t{v[k] == 0};
    }
    return hit != 0;
  }
};

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_AVX2
