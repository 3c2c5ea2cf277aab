// The SSE2 (x86-64 baseline) kernel policy of the EBPC B = 8 encoder: SSE2 for the
// zero / non-zero masks and the delta bit-planes; the symbol classification and the
// pieces are the scalar twins' (their SIMD form needs pshufb and variable shifts, which
// SSE2 lacks). Twins and contracts: encode_kernels.hpp.
#pragma once

#include "arch/encode_kernels.hpp"

#if defined(__SSE2__)

#include <emmintrin.h>

#include <cstring>

#include "arch/nonzero_sse2.hpp"

namespace ebpc::arch {

struct EncodeKernelsSse2 : EncodeKernelsScalar {
  template <class Nz>
  static std::uint32_t planes_b16(const Nz* nz, unsigned w, std::uint16_t* planes) noexcept {
    return planes_b16_sse2(nz, w, planes);
  }
  static void codes_b16(const std::uint16_t* planes, unsigned w, std::uint32_t* code, std::uint32_t* len) noexcept {
    codes_b16_sse2(planes, w, code, len);
  }

  using Acc = __m128i;
  static Acc acc_zero() noexcept { return _mm_setzero_si128(); }

  template <class Word>
  static std::uint64_t acc_fold(Acc all) noexcept {
    const std::uint64_t o = sse2::or_lanes(all);
    std::uint64_t r = o | o >> 32;
    if constexpr (sizeof(Word) <= 2) {
      r |= r >> 16;
    }
    if constexpr (sizeof(Word) == 1) {
      r |= r >> 8;
    }
    return r & static_cast<Word>(~Word{0});
  }

  template <class Word>
  static std::uint64_t nonzero_mask64(const Word* p, Acc& all) noexcept {
    if constexpr (sizeof(Word) == 1) {
      return sse2::nz64_u8(p, all);
    } else if constexpr (sizeof(Word) == 2) {
      return ~(sse2::nz16_u16(p, all) | sse2::nz16_u16(p + 16, all) << 16 | sse2::nz16_u16(p + 32, all) << 32 |
               sse2::nz16_u16(p + 48, all) << 48);
    } else {
      return ~(sse2::nz16_u32(p, all) | sse2::nz16_u32(p + 16, all) << 16 | sse2::nz16_u32(p + 32, all) << 32 |
               sse2::nz16_u32(p + 48, all) << 48);
    }
  }

  // W <= 8 as bytes (2 blocks per register), else 16-bit words (1 block per register).
  template <unsigned WT, class Nz>
  static void planes_group(const Nz* nz, unsigned w_rt, EncodeGroup& g) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    if constexpr (sizeof(Nz) == 1) {
      const __m128i up = _mm_cvtsi32_si128(static_cast<int>(8 - w));
      const __m128i keep = _mm_set1_epi8(static_cast<char>(0xff << (8 - w)));
      for (unsigned v = 0; v < k_group / 2; ++v) {
        const __m128i x = _mm_and_si128(_mm_sll_epi16(sse2::load128(nz + 16 * v), up), keep);  // W bits at the top
        const __m128i prev = _mm_slli_epi64(x, 8);  // v[i-1] in byte i of each block
        __m128i d = _mm_sub_epi8(x, prev);           // bits 0..W-1 of d[i] at the top of byte i
        store_u16(&g.planes[w][2 * v], _mm_movemask_epi8(_mm_cmpgt_epi8(prev, x)));
        for (unsigned i = 0; i < w; ++i) {
          store_u16(&g.planes[w - 1 - i][2 * v], _mm_movemask_epi8(d));
          d = _mm_add_epi8(d, d);
        }
      }
    } else {
      const __m128i up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
      for (unsigned q = 0; q < k_group / 2; ++q) {  // 2 blocks per pair of registers
        const __m128i a = _mm_sll_epi16(sse2::load128(nz + 16 * q), up);
        const __m128i b = _mm_sll_epi16(sse2::load128(nz + 16 * q + 8), up);
        const __m128i pa = _mm_slli_si128(a, 2);  // v[i-1] in word i
        const __m128i pb = _mm_slli_si128(b, 2);
        __m128i da = _mm_sub_epi16(a, pa);
        __m128i db = _mm_sub_epi16(b, pb);
        store_u16(&g.planes[w][2 * q], _mm_movemask_epi8(_mm_packs_epi16(_mm_cmpgt_epi16(pa, a), _mm_cmpgt_epi16(pb, b))));
        for (unsigned i = 0; i < w; ++i) {  // bit p of the deltas in bit 15 (saturation keeps the sign)
          store_u16(&g.planes[w - 1 - i][2 * q], _mm_movemask_epi8(_mm_packs_epi16(da, db)));
          da = _mm_add_epi16(da, da);
          db = _mm_add_epi16(db, db);
        }
      }
    }
    const unsigned keep_w = (1u << w) - 1;
    for (unsigned j = 0; j < k_group; ++j) {
      g.base[j] = static_cast<std::uint16_t>(nz[8 * j] & keep_w);
    }
  }

  // The symbol of every plane, 16 blocks per register. Without pshufb, the per-byte facts
  // are computed directly: one set bit (x & (x - 1) == 0), two adjacent ones (x = y | 2y
  // with y = x & x >> 1 a single bit), the lowest set bit's position from the isolated bit
  // x & -x, and the bit reversal by swapping nibbles, pairs and bits.
  template <unsigned WT>
  static void classify_group(EncodeGroup& g, unsigned w_rt) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    const unsigned lw = ceil_log2(w);
    const __m128i zero = _mm_setzero_si128();
    const __m128i data_bits = _mm_set1_epi8(static_cast<char>(0xfe));
    const __m128i one = _mm_set1_epi8(1);
    const __m128i two = _mm_set1_epi8(2);
    const __m128i zero_code = _mm_set1_epi8(static_cast<char>(K::zero));  // codes and lengths: bpc_symbols.hpp
    const __m128i zero_len = _mm_set1_epi8(static_cast<char>(K::zero_nbits));
    const __m128i dbp_code = _mm_set1_epi8(static_cast<char>(K::zero_dbp));
    const __m128i short_len = _mm_set1_epi8(static_cast<char>(K::short_nbits));
    const __m128i long_len = _mm_set1_epi8(static_cast<char>(K::dbx_nbits));
    const __m128i low7 = _mm_set1_epi8(0x7f);
    const __m128i run_head = _mm_set1_epi8(static_cast<char>(K::run_head(lw)));  // the run code = r + this
    const __m128i run_len = _mm_set1_epi8(static_cast<char>(K::run_nbits(lw)));
    for (unsigned h = 0; h < k_group; h += 16) {
      // Pass 1, planes up: DBX (in code[]) and DBX == 0 (in len[]).
      __m128i prev = zero;
      for (unsigned p = 0; p <= w; ++p) {
        const __m128i cur = _mm_and_si128(load(&g.planes[p][h]), data_bits);
        const __m128i dbx = _mm_xor_si128(cur, prev);
        prev = cur;
        store(&g.code[p][h], dbx);
        store(&g.len[p][h], _mm_cmpeq_epi8(dbx, zero));
      }
      // Pass 2, planes down: zero-run lengths and the codes.
      __m128i run = zero;
      for (unsigned i = 0; i <= w; ++i) {
        const unsigned p = w - i;
        const __m128i x = load(&g.code[p][h]);
        const __m128i z = load(&g.len[p][h]);
        const __m128i z_below = p > 0 ? load(&g.len[p - 1][h]) : zero;
        const __m128i plane_zero = _mm_cmpeq_epi8(_mm_and_si128(load(&g.planes[p][h]), data_bits), zero);
        run = _mm_and_si128(_mm_add_epi8(run, one), z);  // run + 1 on a zero DBX, else 0
        const __m128i start = _mm_andnot_si128(z_below, z);  // lowest plane of a run
        const __m128i single_run = _mm_cmpeq_epi8(run, one);
        const __m128i rc = blend(_mm_add_epi8(run, run_head), zero_code, single_run);
        const __m128i rl = blend(run_len, zero_len, single_run);

        const __m128i single = _mm_cmpeq_epi8(_mm_and_si128(x, _mm_sub_epi8(x, one)), zero);
        const __m128i y = _mm_and_si128(x, _mm_and_si128(_mm_srli_epi16(x, 1), low7));
        const __m128i pair = _mm_andnot_si128(
            _mm_cmpeq_epi8(y, zero),
            _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(y, _mm_sub_epi8(y, one)), zero),
                          _mm_cmpeq_epi8(x, _mm_or_si128(y, _mm_add_epi8(y, y)))));
        const __m128i lsb = _mm_and_si128(x, _mm_sub_epi8(zero, x));
        const __m128i tz = _mm_or_si128(
            _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(_mm_and_si128(lsb, _mm_set1_epi8(static_cast<char>(0xaa))), zero), one),
                         _mm_andnot_si128(_mm_cmpeq_epi8(_mm_and_si128(lsb, _mm_set1_epi8(static_cast<char>(0xcc))), zero), two)),
            _mm_andnot_si128(_mm_cmpeq_epi8(_mm_and_si128(lsb, _mm_set1_epi8(static_cast<char>(0xf0))), zero),
                             _mm_set1_epi8(4)));
        const __m128i idx = _mm_sub_epi8(tz, one);
        const __m128i all_ones = _mm_cmpeq_epi8(x, data_bits);

        __m128i code = _mm_or_si128(reverse_bits(x), _mm_set1_epi8(static_cast<char>(K::dbx_head)));
        code = blend(code, _mm_or_si128(idx, _mm_set1_epi8(static_cast<char>(K::one_one_head))), single);
        code = blend(code, _mm_or_si128(idx, _mm_set1_epi8(static_cast<char>(K::two_ones_head))), pair);
        code = blend(code, dbp_code, plane_zero);
        code = blend(code, zero, all_ones);  // K::all_ones == 0
        __m128i len = blend(long_len, short_len, _mm_or_si128(plane_zero, all_ones));
        code = blend(code, _mm_and_si128(rc, start), z);
        len = blend(len, _mm_and_si128(rl, start), z);
        store(&g.code[p][h], code);
        store(&g.len[p][h], len);
      }
    }
  }

  // The pieces, joining only the planes that put bits (without per-lane shifts, which SSE2
  // lacks, the cost is per plane joined): a mask of those planes per block, 16 blocks per
  // register and 8 planes per byte, then one ctz per plane joined.
  // W and the plan as constants when WT != 0 (the plane loops then unroll).
  template <unsigned WT>
  static void pieces_group(EncodeGroup& g, unsigned w_rt, const PiecePlan& plan_rt) noexcept {
    if constexpr (WT != 0) {
      constexpr PiecePlan k_plan = make_piece_plan(WT);
      pieces_with(g, WT, k_plan);
    } else {
      pieces_with(g, w_rt, plan_rt);
    }
  }

  __attribute__((always_inline)) static inline void pieces_with(EncodeGroup& g, unsigned w,
                                                                 const PiecePlan& plan) noexcept {
    alignas(16) std::uint8_t used[3][k_group];  // bit p & 7 of used[p >> 3][j]: len[p][j] != 0
    const __m128i zero = _mm_setzero_si128();
    for (unsigned h = 0; h < k_group; h += 16) {
      __m128i u[3] = {zero, zero, zero};
      for (unsigned p = 0; p <= w; ++p) {
        const __m128i bit = _mm_set1_epi8(static_cast<char>(1u << (p & 7)));
        u[p >> 3] = _mm_or_si128(u[p >> 3], _mm_andnot_si128(_mm_cmpeq_epi8(load(&g.len[p][h]), zero), bit));
      }
      for (unsigned r = 0; r < 3; ++r) {
        store(&used[r][h], u[r]);
      }
    }
    for (unsigned j = 0; j < k_group; ++j) {
      std::uint32_t todo = std::uint32_t{used[0][j]} | std::uint32_t{used[1][j]} << 8 | std::uint32_t{used[2][j]} << 16;
      for (unsigned k = 0; k < plan.npieces; ++k) {
        std::uint64_t acc = k == 0 ? g.base[j] : 0;
        std::uint64_t acc_len = k == 0 ? w : 0;
        std::uint32_t m = todo & ((std::uint32_t{1} << plan.first[k + 1]) - 1);
        todo &= ~m;
        while (m != 0) {
          const auto p = static_cast<unsigned>(std::countr_zero(m));
          m &= m - 1;
          acc = (acc << g.len[p][j]) | g.code[p][j];
          acc_len += g.len[p][j];
        }
        g.piece[k][j] = acc;
        g.piece_len[k][j] = acc_len;
      }
    }
  }

 private:
  static __m128i load(const void* p) noexcept { return _mm_load_si128(static_cast<const __m128i*>(p)); }
  static void store(void* p, __m128i v) noexcept { _mm_store_si128(static_cast<__m128i*>(p), v); }
  // b where m (all ones per byte), else a.
  static __m128i blend(__m128i a, __m128i b, __m128i m) noexcept {
    return _mm_or_si128(_mm_andnot_si128(m, a), _mm_and_si128(m, b));
  }
  static __m128i reverse_bits(__m128i x) noexcept {
    const auto m = [](unsigned v) { return _mm_set1_epi8(static_cast<char>(v)); };
    x = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(x, 4), m(0x0f)), _mm_and_si128(_mm_slli_epi16(x, 4), m(0xf0)));
    x = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(x, 2), m(0x33)), _mm_and_si128(_mm_slli_epi16(x, 2), m(0xcc)));
    return _mm_or_si128(_mm_and_si128(_mm_srli_epi16(x, 1), m(0x55)), _mm_and_si128(_mm_slli_epi16(x, 1), m(0xaa)));
  }
  static void store_u16(std::uint8_t* p, int v) noexcept {
    const auto u = static_cast<std::uint16_t>(v);
    std::memcpy(p, &u, 2);
  }
};

}  // namespace ebpc::arch

#endif  // __SSE2__
