// Kernels of the EBPC B = 16 encoder (W = 2..16), with their scalar twins.
//
// The encoder body (src/codec/ebpc_encode_body.hpp) codes B = 16 one block at a time:
// (1) the block's delta bit-planes, one 16-bit plane per bit position (planes_b16), (2) the
// symbol of every plane with the runs of all-zero DBX planes (codes_b16), each with a
// scalar twin here and an SSE2 form that the SSE2 and the AVX2 policies both use, then (3)
// the base and the codes joined into pieces of at most 56 bits (join_b16, plain C++).
// tests/test_encode_b16.cpp checks the SSE2 kernels against the twins and the twins against
// the plain block coder; the body's streams are checked bit for bit against the reference
// coder (tests/test_encode_fast.cpp).
#pragma once

#include <bit>
#include <cstdint>

#include "codec/bpc_symbols.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ebpc::arch {

inline constexpr unsigned k_b16_max_planes = 17;  // W + 1 for W = 16

// The codewords codes_b16 builds (bpc_symbols.hpp).
using KB16 = detail::BpcKernelCodes<16>;

// planes[p] (p = 0..W): DBP[p] of the 16 words at nz, bit i = bit p of d[i] = v[i] - v[i-1]
// ((W+1)-bit two's complement), i = 1..15; bit 0 is unspecified. Returns the base v[0] as
// its W-bit pattern. Words are W-bit patterns; bits above W are ignored.
template <class Nz>
inline std::uint32_t planes_b16_scalar(const Nz* nz, unsigned w, std::uint16_t* planes) noexcept {
  const std::uint32_t keep_w = (1u << w) - 1;
  const unsigned shift = 32 - w;
  std::int32_t v[16];
  for (unsigned i = 0; i < 16; ++i) {
    v[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(nz[i] & keep_w) << shift) >> static_cast<int>(shift);
  }
  for (unsigned p = 0; p <= w; ++p) {
    unsigned plane = 0;
    for (unsigned i = 1; i < 16; ++i) {
      const auto d = static_cast<std::uint32_t>(v[i] - v[i - 1]);  // exact in W + 1 bits
      plane |= ((d >> p) & 1u) << i;
    }
    planes[p] = static_cast<std::uint16_t>(plane);
  }
  return nz[0] & keep_w;
}

#if defined(__SSE2__)
// The same with SSE2: the W bits of each word at the top of its lane, the previous word
// by a one-lane shift, one movemask per plane (uint8 words: one register per block;
// uint16: two, packed with signed saturation, which keeps bit 15).
template <class Nz>
inline std::uint32_t planes_b16_sse2(const Nz* nz, unsigned w, std::uint16_t* planes) noexcept {
  if constexpr (sizeof(Nz) == 1) {
    const __m128i up = _mm_cvtsi32_si128(static_cast<int>(8 - w));
    const __m128i keep = _mm_set1_epi8(static_cast<char>(0xff << (8 - w)));
    const __m128i x =
        _mm_and_si128(_mm_sll_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(nz)), up), keep);
    const __m128i prev = _mm_slli_si128(x, 1);  // v[i-1] in byte i
    __m128i d = _mm_sub_epi8(x, prev);          // bits 0..W-1 of d[i] at the top of byte i
    planes[w] = static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpgt_epi8(prev, x)));
    for (unsigned i = 0; i < w; ++i) {
      planes[w - 1 - i] = static_cast<std::uint16_t>(_mm_movemask_epi8(d));
      d = _mm_add_epi8(d, d);
    }
  } else {
    const __m128i up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
    const __m128i a = _mm_sll_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(nz)), up);
    const __m128i b = _mm_sll_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(nz + 8)), up);
    const __m128i pa = _mm_slli_si128(a, 2);
    const __m128i pb = _mm_or_si128(_mm_slli_si128(b, 2), _mm_srli_si128(a, 14));
    __m128i da = _mm_sub_epi16(a, pa);
    __m128i db = _mm_sub_epi16(b, pb);
    planes[w] = static_cast<std::uint16_t>(
        _mm_movemask_epi8(_mm_packs_epi16(_mm_cmpgt_epi16(pa, a), _mm_cmpgt_epi16(pb, b))));
    for (unsigned i = 0; i < w; ++i) {
      planes[w - 1 - i] = static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_packs_epi16(da, db)));
      da = _mm_add_epi16(da, da);
      db = _mm_add_epi16(db, db);
    }
  }
  return nz[0] & ((1u << w) - 1);
}
#endif

namespace b16_detail {
struct Rev8 {
  std::uint8_t t[256];
  constexpr Rev8() : t() {
    for (unsigned x = 0; x < 256; ++x) {
      unsigned r = 0;
      for (unsigned i = 0; i < 8; ++i) {
        r |= ((x >> i) & 1u) << (7 - i);
      }
      t[x] = static_cast<std::uint8_t>(r);
    }
  }
};
inline constexpr Rev8 k_rev8{};
}  // namespace b16_detail

// The symbol at every plane of one block (docs/stream-format.md "Block transform", step 4,
// and "BPC symbols") from its planes (planes_b16; planes[0..W] are read, bit 0 of each
// ignored): going up, DBX[p] = DBP[p] ^ DBP[p-1]; a run of all-zero DBX planes gets its
// code ('01' for one plane, '001' + (r - 2) on ceil(log2 W) bits) on its lowest plane and
// length 0 elsewhere; every other plane's code in the order of the "BPC symbols" table
// ('00000' DBX all ones, '00001' DBP zero, '00010' + 4-bit index two adjacent ones, '00011'
// + index one '1', else '1' + the 15 DBX bits with d[1] first). code[p], len[p] for
// p = 0..W (<= 16 bits each). The scalar twin.
inline void codes_b16_scalar(const std::uint16_t* planes, unsigned w, std::uint32_t* code, std::uint32_t* len) noexcept {
  const unsigned lw = ceil_log2(w);
  std::uint32_t dbx[k_b16_max_planes];
  std::uint32_t prev = 0;
  for (unsigned p = 0; p <= w; ++p) {
    const std::uint32_t cur = planes[p] & 0xfffeu;
    dbx[p] = cur ^ prev;
    prev = cur;
  }
  std::uint32_t run = 0;
  for (unsigned i = 0; i <= w; ++i) {
    const unsigned p = w - i;
    const std::uint32_t d = dbx[p];
    const bool z = d == 0;
    run = z ? run + 1 : 0;
    const bool start = z && (p == 0 || dbx[p - 1] != 0);  // the run's lowest plane
    const auto low = static_cast<unsigned>(std::countr_zero(d | 0x10000u));
    const std::uint32_t idx = low - 1;  // the "BPC symbols" index of the first '1' (d[1] = 0)
    std::uint32_t c = KB16::dbx_head | std::uint32_t{b16_detail::k_rev8.t[d & 0xff]} << 8 | b16_detail::k_rev8.t[d >> 8];
    std::uint32_t l = KB16::dbx_nbits;
    c = d == (1u << low) ? (KB16::one_one_head | idx) : c;  // one '1'
    l = d == (1u << low) ? KB16::index_symbol_nbits : l;
    c = d == (3u << low) ? (KB16::two_ones_head | idx) : c;  // two adjacent
    l = d == (3u << low) ? KB16::index_symbol_nbits : l;
    const bool dbp_zero = (planes[p] & 0xfffeu) == 0;
    c = dbp_zero ? KB16::zero_dbp : c;
    l = dbp_zero ? KB16::short_nbits : l;
    c = d == 0xfffeu ? KB16::all_ones : c;  // all ones
    l = d == 0xfffeu ? KB16::short_nbits : l;
    const std::uint32_t rc = run == 1 ? KB16::zero : KB16::run_head(lw) + run;
    const std::uint32_t rl = run == 1 ? KB16::zero_nbits : KB16::run_nbits(lw);
    code[p] = z ? (start ? rc : 0) : c;
    len[p] = z ? (start ? rl : 0) : l;
  }
}

// The zero-run codes of codes_b16 from the mask of all-zero DBX planes (bit p, p <= W):
// each run's code on its lowest plane, length 0 on its other planes.
inline void zero_runs_b16(std::uint32_t zm, unsigned lw, std::uint32_t* code, std::uint32_t* len) noexcept {
  std::uint32_t starts = zm & ~(zm << 1);
  while (starts != 0) {
    const auto p = static_cast<unsigned>(std::countr_zero(starts));
    const auto run = static_cast<unsigned>(std::countr_one(zm >> p));
    const detail::BpcCodeword c = detail::bpc_zero_run_codeword(detail::ZeroRunCode::ebpc, run, lw);
    code[p] = c.bits;
    len[p] = c.nbits;
    starts &= starts - 1;
  }
}

#if defined(__SSE2__)
// codes_b16 with SSE2, 8 planes a register: the lowest set bit by x & -x, its index from
// four masked compares, the bit reversal by swaps, the choices by and/andnot/or; the zero
// runs from a movemask of the all-zero DBX planes. planes[] is read up to entry 8 *
// ceil((W + 1) / 8) - 1 (the entries past W may hold anything).
inline void codes_b16_sse2(const std::uint16_t* planes, unsigned w, std::uint32_t* code, std::uint32_t* len) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i data = _mm_set1_epi16(static_cast<short>(0xfffe));
  const __m128i one = _mm_set1_epi16(1);
  const auto bit_if = [&](__m128i lb, int mask, int bit) {  // bit where lb & mask != 0
    return _mm_andnot_si128(_mm_cmpeq_epi16(_mm_and_si128(lb, _mm_set1_epi16(static_cast<short>(mask))), zero),
                            _mm_set1_epi16(static_cast<short>(bit)));
  };
  const auto swap = [](__m128i x, int mask, int k) {
    const __m128i m = _mm_set1_epi16(static_cast<short>(mask));
    return _mm_or_si128(_mm_and_si128(_mm_srli_epi16(x, k), m), _mm_slli_epi16(_mm_and_si128(x, m), k));
  };
  const auto select = [](__m128i m, __m128i a, __m128i b) {  // m ? a : b
    return _mm_or_si128(_mm_and_si128(m, a), _mm_andnot_si128(m, b));
  };
  std::uint32_t zm = 0;
  __m128i carry = zero;  // the plane below the register's first
  for (unsigned p0 = 0; p0 <= w; p0 += 8) {
    const __m128i cur = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(planes + p0)), data);
    const __m128i below = _mm_or_si128(_mm_slli_si128(cur, 2), carry);
    carry = _mm_srli_si128(cur, 14);
    const __m128i d = _mm_xor_si128(cur, below);
    const __m128i z = _mm_cmpeq_epi16(d, zero);
    const __m128i lb = _mm_and_si128(d, _mm_sub_epi16(zero, d));
    const __m128i single = _mm_cmpeq_epi16(d, lb);
    const __m128i pair = _mm_andnot_si128(single, _mm_cmpeq_epi16(_mm_xor_si128(d, lb), _mm_slli_epi16(lb, 1)));
    const __m128i log2 = _mm_or_si128(_mm_or_si128(bit_if(lb, 0xaaaa, 1), bit_if(lb, 0xcccc, 2)),
                                      _mm_or_si128(bit_if(lb, 0xf0f0, 4), bit_if(lb, 0xff00, 8)));
    const __m128i idx = _mm_sub_epi16(log2, one);
    __m128i rev = _mm_or_si128(_mm_slli_epi16(d, 8), _mm_srli_epi16(d, 8));
    rev = swap(rev, 0x0f0f, 4);
    rev = swap(rev, 0x3333, 2);
    rev = swap(rev, 0x5555, 1);
    __m128i c = _mm_or_si128(rev, _mm_set1_epi16(static_cast<short>(KB16::dbx_head)));
    __m128i l = _mm_set1_epi16(static_cast<short>(KB16::dbx_nbits));
    c = select(single, _mm_or_si128(idx, _mm_set1_epi16(static_cast<short>(KB16::one_one_head))), c);
    c = select(pair, _mm_or_si128(idx, _mm_set1_epi16(static_cast<short>(KB16::two_ones_head))), c);
    l = select(_mm_or_si128(single, pair), _mm_set1_epi16(static_cast<short>(KB16::index_symbol_nbits)), l);
    const __m128i dbp_zero = _mm_cmpeq_epi16(cur, zero);
    const __m128i all_ones = _mm_cmpeq_epi16(d, data);
    c = select(dbp_zero, _mm_set1_epi16(static_cast<short>(KB16::zero_dbp)), c);
    c = select(all_ones, _mm_set1_epi16(static_cast<short>(KB16::all_ones)), c);
    l = select(_mm_or_si128(dbp_zero, all_ones), _mm_set1_epi16(static_cast<short>(KB16::short_nbits)), l);
    c = _mm_andnot_si128(z, c);
    l = _mm_andnot_si128(z, l);
    zm |= static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(z, zero))) << p0;
    // Widen to 32-bit entries.
    _mm_storeu_si128(reinterpret_cast<__m128i*>(code + p0), _mm_unpacklo_epi16(c, zero));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(code + p0 + 4), _mm_unpackhi_epi16(c, zero));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(len + p0), _mm_unpacklo_epi16(l, zero));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(len + p0 + 4), _mm_unpackhi_epi16(l, zero));
  }
  zero_runs_b16(zm & ((2u << w) - 1), ceil_log2(w), code, len);
}
#endif

// Scratch sizes for codes_b16 (its SIMD forms read and write whole registers of planes:
// 8 (SSE2) or 16 (AVX2) entries at a time).
inline constexpr unsigned k_b16_planes_cap = 32;

// The base and the codes of planes 0..W (code[W+1..W+3] and len[] there must be 0) into
// bpc, three planes to a piece (<= 56 bits: the base and floor((56 - W) / 16) planes first).
template <unsigned WT>
inline void join_b16(const std::uint32_t* code, const std::uint32_t* len, std::uint32_t base, unsigned w_rt,
                     WideBitWriter& bpc) noexcept {
  const unsigned w = WT != 0 ? WT : w_rt;
  const unsigned first = (56 - w) / 16;  // planes in piece 0 after the base
  std::uint64_t acc = base;
  unsigned n = w;
  for (unsigned p = 0; p < first; ++p) {
    acc = acc << len[p] | code[p];
    n += len[p];
  }
  bpc.add(acc, n);
  bpc.flush();
  for (unsigned p = first; p <= w; p += 3) {
    const std::uint64_t piece =
        (std::uint64_t{code[p]} << len[p + 1] | code[p + 1]) << len[p + 2] | code[p + 2];
    bpc.add(piece, len[p] + len[p + 1] + len[p + 2]);
    bpc.flush();
  }
}

// One block from its planes and base into bpc with the scalar codes (tests, benchmarks).
template <unsigned WT>
inline void code_block_b16(const std::uint16_t* planes, std::uint32_t base, unsigned w_rt, WideBitWriter& bpc) noexcept {
  const unsigned w = WT != 0 ? WT : w_rt;
  std::uint32_t code[k_b16_planes_cap] = {};
  std::uint32_t len[k_b16_planes_cap] = {};
  codes_b16_scalar(planes, w, code, len);
  join_b16<WT>(code, len, base, w, bpc);
}

}  // namespace ebpc::arch
