// The AVX2 + BMI2 kernel policy of the EBPC B = 8 encoder (runtime dispatch: cpu.hpp;
// every function is EBPC_TARGET_AVX2, no file is built with -mavx2). Twins and contracts:
// encode_kernels.hpp; tests/test_arch_encode.cpp checks each kernel against its twin.
//
// 32 blocks at a time, byte lane j of every vector = block j: (1) non-zero masks with
// compares and movemask; (2) compaction with a table of pshufb controls, 8 words a step;
// (3) delta bit-planes with one movemask per plane and 4 blocks; (4) every plane's symbol
// classified for 32 blocks at once with byte compares and nibble look-ups, the runs of
// all-zero DBX planes counted from the top plane down; (5) the per-plane codes and the base
// joined into pieces of at most 56 bits with variable shifts.
#pragma once

#include "arch/cpu.hpp"
#include "arch/encode_b16_avx2.hpp"
#include "arch/encode_kernels.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include <immintrin.h>

#include <cstring>

#include "arch/nonzero_sse2.hpp"

namespace ebpc::arch {

namespace encode_avx2_detail {

// pshufb controls that gather the words selected by an 8-bit mask to the front: bytes
// (Bytes = 1) or 16-bit words (Bytes = 2); 0x80 (zero) after them.
template <unsigned Bytes>
struct CompactTable {
  alignas(16) std::uint8_t t[256][16];
  constexpr CompactTable() : t() {
    for (unsigned m = 0; m < 256; ++m) {
      unsigned n = 0;
      for (unsigned k = 0; k < 8; ++k) {
        if ((m >> k) & 1) {
          for (unsigned b = 0; b < Bytes; ++b) {
            t[m][n++] = static_cast<std::uint8_t>(k * Bytes + b);
          }
        }
      }
      while (n < 16) {
        t[m][n++] = 0x80;
      }
    }
  }
};
inline constexpr CompactTable<1> k_compact_u8{};
inline constexpr CompactTable<2> k_compact_u16{};

}  // namespace encode_avx2_detail

struct EncodeKernelsAvx2 {
  using K = detail::BpcKernelCodes<8>;

  // B = 16: the SSE2 planes (VEX-encoded here; one block is one or two registers) and the
  // AVX2 plane codes (encode_b16_avx2.hpp).
  template <class Nz>
  EBPC_TARGET_AVX2 static std::uint32_t planes_b16(const Nz* nz, unsigned w, std::uint16_t* planes) noexcept {
    return planes_b16_sse2(nz, w, planes);
  }
  EBPC_TARGET_AVX2 static void codes_b16(const std::uint16_t* planes, unsigned w, std::uint32_t* code,
                                         std::uint32_t* len) noexcept {
    codes_b16_avx2(planes, w, code, len);
  }

  using Acc = __m256i;
  EBPC_TARGET_AVX2 static Acc acc_zero() noexcept { return _mm256_setzero_si256(); }

  // ---- (1) Non-zero masks (uint32 words: four SSE2-width compares, VEX-encoded here).
  template <class Word>
  EBPC_TARGET_AVX2 static std::uint64_t nonzero_mask64(const Word* p, Acc& all) noexcept {
    if constexpr (sizeof(Word) <= 2) {
      return nz64(p, all);
    } else {
      __m128i a = _mm_setzero_si128();
      const std::uint64_t z = sse2::nz16_u32(p, a) | sse2::nz16_u32(p + 16, a) << 16 |
                              sse2::nz16_u32(p + 32, a) << 32 | sse2::nz16_u32(p + 48, a) << 48;
      all = _mm256_or_si256(all, _mm256_zextsi128_si256(a));
      return ~z;
    }
  }

  // The OR of all the Word lanes of v.
  template <class Word>
  EBPC_TARGET_AVX2 static std::uint64_t acc_fold(Acc v) noexcept {
    const __m128i x = _mm_or_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    std::uint64_t r = static_cast<std::uint64_t>(_mm_cvtsi128_si64(x)) | static_cast<std::uint64_t>(_mm_extract_epi64(x, 1));
    r |= r >> 32;
    if constexpr (sizeof(Word) <= 2) {
      r |= r >> 16;
    }
    if constexpr (sizeof(Word) == 1) {
      r |= r >> 8;
    }
    return r & static_cast<Word>(~Word{0});
  }

  // ---- (2) Compaction of the non-zero words of 64 words with mask m to out; returns the
  // count. uint8 and uint16 words: 8 words a step with a pshufb control (up to 8 words of
  // slack written at out); uint32 words (kept as their low 16 bits) take the scalar twin.
  template <class Word, class Nz>
  EBPC_TARGET_AVX2 static unsigned compact64(const Word* in, std::uint64_t m, Nz* out) noexcept {
    if constexpr (sizeof(Word) == 4) {
      return EncodeKernelsScalar::compact64(in, m, out);
    } else {
      static_assert(sizeof(Nz) == sizeof(Word));
      if (m == ~std::uint64_t{0}) {
        std::memcpy(out, in, 64 * sizeof(Word));
        return 64;
      }
      const auto& table = sizeof(Word) == 1 ? encode_avx2_detail::k_compact_u8.t : encode_avx2_detail::k_compact_u16.t;
      unsigned n = 0;
      for (unsigned k = 0; k < 8; ++k) {
        const auto mb = static_cast<unsigned>((m >> (8 * k)) & 0xff);
        const __m128i ctrl = _mm_load_si128(reinterpret_cast<const __m128i*>(table[mb]));
        if constexpr (sizeof(Word) == 1) {
          const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 8 * k));
          _mm_storel_epi64(reinterpret_cast<__m128i*>(out + n), _mm_shuffle_epi8(x, ctrl));
        } else {
          const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 8 * k));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), _mm_shuffle_epi8(x, ctrl));
        }
        n += static_cast<unsigned>(_mm_popcnt_u32(mb));
      }
      return n;
    }
  }

  // ---- (3) Delta bit-planes of 32 blocks, plane-major, and the bases.
  template <unsigned WT, class Nz>
  EBPC_TARGET_AVX2 static void planes_group(const Nz* nz, unsigned w_rt, EncodeGroup& g) noexcept {
    if constexpr (sizeof(Nz) == 1) {
      planes_narrow<WT>(nz, w_rt, g);
    } else {
      planes_wide<WT>(nz, w_rt, g);
    }
  }

  // ---- (4) The code at every plane of 32 blocks.
  // Plane bytes hold d[i] in bit i (i = 1..7); the plane of docs/stream-format.md "Block
  // transform" has d[1] as its MSB, so its index k is bit 7 - k here. Index fields: one '1'
  // at index s codes index 6 - s, two at s + 1 and s code 5 - s: both are (lowest set bit
  // here) - 1. The uncompressed DBX is the bit-reversed byte.
  template <unsigned WT>
  EBPC_TARGET_AVX2 static void classify_group(EncodeGroup& g, unsigned w_rt) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    const __m256i zero = _mm256_setzero_si256();
    const __m256i ones = _mm256_set1_epi8(-1);
    const __m256i data_bits = _mm256_set1_epi8(static_cast<char>(0xfe));
    const __m256i nib = _mm256_set1_epi8(0x0f);
    const __m256i pop_lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                             0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i rev_lut = _mm256_setr_epi8(0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15,  //
                                             0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15);
    // Lowest set bit of a nibble (4 for 0), and the same + 4 for the high nibble.
    const __m256i tz_lut = _mm256_setr_epi8(4, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0,  //
                                            4, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0);
    const __m256i tz_hi_lut = _mm256_add_epi8(tz_lut, _mm256_set1_epi8(4));
    const unsigned lw = ceil_log2(w);
    const __m256i one = _mm256_set1_epi8(1);
    const __m256i two = _mm256_set1_epi8(2);
    const __m256i zero_code = _mm256_set1_epi8(static_cast<char>(K::zero));  // codes and lengths: bpc_symbols.hpp
    const __m256i zero_len = _mm256_set1_epi8(static_cast<char>(K::zero_nbits));
    const __m256i dbp_code = _mm256_set1_epi8(static_cast<char>(K::zero_dbp));
    const __m256i short_len = _mm256_set1_epi8(static_cast<char>(K::short_nbits));
    const __m256i long_len = _mm256_set1_epi8(static_cast<char>(K::dbx_nbits));
    const __m256i run_head = _mm256_set1_epi8(static_cast<char>(K::run_head(lw)));  // the run code = r + this
    const __m256i run_len = _mm256_set1_epi8(static_cast<char>(K::run_nbits(lw)));

    // Pass 1, planes up: DBX (in code[]) and DBX == 0 (in len[]).
    __m256i prev = zero;
#pragma GCC unroll 17
    for (unsigned p = 0; p <= w; ++p) {
      const __m256i cur = _mm256_and_si256(load(g.planes[p]), data_bits);
      const __m256i dbx = _mm256_xor_si256(cur, prev);
      prev = cur;
      store(g.code[p], dbx);
      store(g.len[p], _mm256_cmpeq_epi8(dbx, zero));
    }
    // Pass 2, planes down: zero-run lengths and the codes.
    __m256i run = zero;
#pragma GCC unroll 17
    for (unsigned i = 0; i <= w; ++i) {
      const unsigned p = w - i;
      const __m256i dbx = load(g.code[p]);
      const __m256i z = load(g.len[p]);
      const __m256i z_below = p > 0 ? load(g.len[p - 1]) : zero;
      const __m256i plane_zero = _mm256_cmpeq_epi8(_mm256_and_si256(load(g.planes[p]), data_bits), zero);
      run = _mm256_and_si256(_mm256_sub_epi8(run, ones), z);  // run + 1 on a zero DBX, else 0
      const __m256i start = _mm256_andnot_si256(z_below, z);  // first plane of a run
      const __m256i single_run = _mm256_cmpeq_epi8(run, one);
      const __m256i rc = _mm256_blendv_epi8(_mm256_add_epi8(run, run_head), zero_code, single_run);
      const __m256i rl = _mm256_blendv_epi8(run_len, zero_len, single_run);

      const __m256i lo = _mm256_and_si256(dbx, nib);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(dbx, 4), nib);
      const __m256i pop = _mm256_add_epi8(_mm256_shuffle_epi8(pop_lut, lo), _mm256_shuffle_epi8(pop_lut, hi));
      const __m256i rev = _mm256_or_si256(_mm256_slli_epi16(_mm256_shuffle_epi8(rev_lut, lo), 4),
                                          _mm256_shuffle_epi8(rev_lut, hi));
      const __m256i tz = _mm256_blendv_epi8(_mm256_shuffle_epi8(tz_lut, lo), _mm256_shuffle_epi8(tz_hi_lut, hi),
                                            _mm256_cmpeq_epi8(lo, zero));
      const __m256i idx = _mm256_sub_epi8(tz, one);
      const __m256i adjacent = _mm256_and_si256(dbx, _mm256_srli_epi16(dbx, 1));  // bit 7 of the shift: 0 here
      const __m256i has_adjacent = _mm256_xor_si256(_mm256_cmpeq_epi8(_mm256_and_si256(adjacent, data_bits), zero), ones);
      const __m256i single = _mm256_cmpeq_epi8(pop, one);
      const __m256i pair = _mm256_and_si256(_mm256_cmpeq_epi8(pop, two), has_adjacent);
      const __m256i all_ones = _mm256_cmpeq_epi8(dbx, data_bits);

      __m256i code = _mm256_or_si256(rev, _mm256_set1_epi8(static_cast<char>(K::dbx_head)));
      code = _mm256_blendv_epi8(code, _mm256_or_si256(idx, _mm256_set1_epi8(static_cast<char>(K::one_one_head))), single);
      code = _mm256_blendv_epi8(code, _mm256_or_si256(idx, _mm256_set1_epi8(static_cast<char>(K::two_ones_head))), pair);
      code = _mm256_blendv_epi8(code, dbp_code, plane_zero);
      code = _mm256_blendv_epi8(code, zero, all_ones);  // K::all_ones == 0
      __m256i len = _mm256_blendv_epi8(long_len, short_len, _mm256_or_si256(plane_zero, all_ones));
      code = _mm256_blendv_epi8(code, _mm256_and_si256(rc, start), z);
      len = _mm256_blendv_epi8(len, _mm256_and_si256(rl, start), z);
      store(g.code[p], code);
      store(g.len[p], len);
    }
  }

  // ---- (5) Pieces: per block, the base and the plane codes joined into at most 56 bits each.
  EBPC_TARGET_AVX2 static __m256i widen4(const std::uint8_t* p) noexcept {  // 4 bytes -> 4 x u64
    return _mm256_cvtepu8_epi64(_mm_loadu_si32(p));
  }

  // W and the plan as constants when WT != 0 (the plane loops then unroll).
  template <unsigned WT>
  EBPC_TARGET_AVX2 static void pieces_group(EncodeGroup& g, unsigned w_rt, const PiecePlan& plan_rt) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    static constexpr PiecePlan k_plan = make_piece_plan(WT != 0 ? WT : 8);
    const PiecePlan& plan = WT != 0 ? k_plan : plan_rt;
    for (unsigned q = 0; q < k_group / 4; ++q) {  // 4 blocks per vector
#pragma GCC unroll 3
      for (unsigned k = 0; k < plan.npieces; ++k) {
        __m256i acc;
        __m256i acc_len;
        if (k == 0) {
          acc = _mm256_cvtepu16_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(g.base + 4 * q)));
          acc_len = _mm256_set1_epi64x(w);
        } else {
          acc = _mm256_setzero_si256();
          acc_len = _mm256_setzero_si256();
        }
#pragma GCC unroll 7
        for (unsigned p = plan.first[k]; p < plan.first[k + 1]; ++p) {
          const __m256i l = widen4(&g.len[p][4 * q]);
          acc = _mm256_or_si256(_mm256_sllv_epi64(acc, l), widen4(&g.code[p][4 * q]));
          acc_len = _mm256_add_epi64(acc_len, l);
        }
        store(&g.piece[k][4 * q], acc);
        store(&g.piece_len[k][4 * q], acc_len);
      }
    }
  }

 private:
  EBPC_TARGET_AVX2 static __m256i load(const void* p) noexcept {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
  }
  EBPC_TARGET_AVX2 static void store(void* p, __m256i v) noexcept { _mm256_storeu_si256(static_cast<__m256i*>(p), v); }
  static void store_u32(void* p, std::uint32_t v) noexcept { std::memcpy(p, &v, 4); }

  EBPC_TARGET_AVX2 static std::uint64_t nz64(const std::uint8_t* p, __m256i& all) noexcept {
    const __m256i a = load(p);
    const __m256i b = load(p + 32);
    all = _mm256_or_si256(all, _mm256_or_si256(a, b));
    const __m256i zero = _mm256_setzero_si256();
    const auto za = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, zero)));
    const auto zb = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, zero)));
    return ~(std::uint64_t{za} | std::uint64_t{zb} << 32);
  }

  EBPC_TARGET_AVX2 static std::uint64_t nz64(const std::uint16_t* p, __m256i& all) noexcept {
    const __m256i a = load(p);
    const __m256i b = load(p + 16);
    const __m256i c = load(p + 32);
    const __m256i d = load(p + 48);
    all = _mm256_or_si256(all, _mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, d)));
    const __m256i zero = _mm256_setzero_si256();
    // packs interleaves the 128-bit lanes; the permute puts the words back in order.
    const __m256i zab = _mm256_permute4x64_epi64(
        _mm256_packs_epi16(_mm256_cmpeq_epi16(a, zero), _mm256_cmpeq_epi16(b, zero)), 0xD8);
    const __m256i zcd = _mm256_permute4x64_epi64(
        _mm256_packs_epi16(_mm256_cmpeq_epi16(c, zero), _mm256_cmpeq_epi16(d, zero)), 0xD8);
    const auto lo = static_cast<std::uint32_t>(_mm256_movemask_epi8(zab));
    const auto hi = static_cast<std::uint32_t>(_mm256_movemask_epi8(zcd));
    return ~(std::uint64_t{lo} | std::uint64_t{hi} << 32);
  }

  template <unsigned WT>
  EBPC_TARGET_AVX2 static void planes_narrow(const std::uint8_t* nz, unsigned w_rt, EncodeGroup& g) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    const __m128i up = _mm_cvtsi32_si128(static_cast<int>(8 - w));
    const __m256i keep = _mm256_set1_epi8(static_cast<char>(0xff << (8 - w)));
    for (unsigned v = 0; v < k_group / 4; ++v) {  // 4 blocks per vector
      const __m256i x = _mm256_and_si256(_mm256_sll_epi16(load(nz + 32 * v), up), keep);  // W bits at the top
      const __m256i prev = _mm256_slli_epi64(x, 8);  // v[i-1] in byte i of each block
      __m256i d = _mm256_sub_epi8(x, prev);          // bits 0..W-1 of d[i] at the top of byte i
      store_u32(&g.planes[w][4 * v], static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(prev, x))));
#pragma GCC unroll 16
      for (unsigned i = 0; i < w; ++i) {
        const unsigned p = w - 1 - i;
        store_u32(&g.planes[p][4 * v], static_cast<std::uint32_t>(_mm256_movemask_epi8(d)));
        d = _mm256_add_epi8(d, d);
      }
    }
    const unsigned keep_w = (1u << w) - 1;  // words with bits above W fail the caller's check
    for (unsigned j = 0; j < k_group; ++j) {
      g.base[j] = static_cast<std::uint16_t>(nz[8 * j] & keep_w);
    }
  }

  template <unsigned WT>
  EBPC_TARGET_AVX2 static void planes_wide(const std::uint16_t* nz, unsigned w_rt, EncodeGroup& g) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    const __m128i up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
    for (unsigned q = 0; q < k_group / 4; ++q) {  // 4 blocks per pair of vectors
      const __m256i a = _mm256_sll_epi16(load(nz + 32 * q), up);
      const __m256i b = _mm256_sll_epi16(load(nz + 32 * q + 16), up);
      const __m256i pa = _mm256_slli_si256(a, 2);  // v[i-1] in word i of each block (128-bit lane)
      const __m256i pb = _mm256_slli_si256(b, 2);
      __m256i da = _mm256_sub_epi16(a, pa);
      __m256i db = _mm256_sub_epi16(b, pb);
      const __m256i sign = _mm256_packs_epi16(_mm256_cmpgt_epi16(pa, a), _mm256_cmpgt_epi16(pb, b));
      store_u32(&g.planes[w][4 * q],
                static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_permute4x64_epi64(sign, 0xD8))));
#pragma GCC unroll 16
      for (unsigned i = 0; i < w; ++i) {  // bit p of the deltas in bit 15 (saturation keeps the sign)
        const unsigned p = w - 1 - i;
        const __m256i s = _mm256_permute4x64_epi64(_mm256_packs_epi16(da, db), 0xD8);
        store_u32(&g.planes[p][4 * q], static_cast<std::uint32_t>(_mm256_movemask_epi8(s)));
        da = _mm256_add_epi16(da, da);
        db = _mm256_add_epi16(db, db);
      }
    }
    const unsigned keep_w = (1u << w) - 1;  // words with bits above W fail the caller's check
    for (unsigned j = 0; j < k_group; ++j) {
      g.base[j] = static_cast<std::uint16_t>(nz[8 * j] & keep_w);
    }
  }
};

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_AVX2
