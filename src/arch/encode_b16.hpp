// Kernels of the EBPC B = 16 encoder (W = 2..16), with their scalar twins.
//
// The encoder body (src/codec/ebpc_encode_b8_body.hpp) codes B = 16 one block at a time:
// (1) the block's delta bit-planes, one 16-bit plane per bit position (planes_b16: the
// scalar twin here, an SSE2 form in planes_b16_sse2 that the SSE2 and the AVX2 policies
// both use), then (2) the plane symbols, the runs of all-zero DBX planes and the pieces of
// at most 56 bits (code_block_b16, plain C++ for every ISA: branch-free selects, no SIMD).
// tests/test_arch_encode.cpp checks planes_b16_sse2 against the twin; the body's streams are
// checked bit for bit against the reference coder (tests/test_encode_b8.cpp).
#pragma once

#include <bit>
#include <cstdint>

#include "common/bitio.hpp"
#include "common/check.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ebpc::arch {

inline constexpr unsigned k_b16_max_planes = 17;  // W + 1 for W = 16

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

// Codes one block from its planes (planes_b16) and base into bpc (spec "Stream 2", steps
// 4-5): going up, DBX[p] = DBP[p] ^ DBP[p-1]; going down, the runs of all-zero DBX planes
// ('01' for one plane, '001' + (r - 2) on ceil(log2 W) bits, on the run's lowest plane);
// every other plane's symbol chosen in the spec table's order by selects; then the base
// and the codes (<= 16 bits each) joined three planes to a piece (<= 56 bits: the base and
// floor((56 - W) / 16) planes first). WT: W when a compile-time constant, else 0.
template <unsigned WT>
inline void code_block_b16(const std::uint16_t* planes, std::uint32_t base, unsigned w_rt, WideBitWriter& bpc) noexcept {
  const unsigned w = WT != 0 ? WT : w_rt;
  const unsigned lw = ceil_log2(w);
  std::uint32_t dbx[k_b16_max_planes];
  std::uint32_t code[k_b16_max_planes + 3];
  std::uint32_t len[k_b16_max_planes + 3];
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
    const std::uint32_t idx = low - 1;  // the spec index of the first '1' (d[1] = 0)
    std::uint32_t c = 0x8000u | std::uint32_t{b16_detail::k_rev8.t[d & 0xff]} << 8 | b16_detail::k_rev8.t[d >> 8];
    std::uint32_t l = 16;
    c = d == (1u << low) ? (0b00011u << 4 | idx) : c;  // one '1'
    l = d == (1u << low) ? 9 : l;
    c = d == (3u << low) ? (0b00010u << 4 | idx) : c;  // two adjacent
    l = d == (3u << low) ? 9 : l;
    const bool dbp_zero = (planes[p] & 0xfffeu) == 0;
    c = dbp_zero ? 0b00001u : c;
    l = dbp_zero ? 5 : l;
    c = d == 0xfffeu ? 0u : c;  // all ones
    l = d == 0xfffeu ? 5 : l;
    const std::uint32_t rc = run == 1 ? 0b01u : (1u << lw | (run - 2));
    const std::uint32_t rl = run == 1 ? 2 : 3 + lw;
    code[p] = z ? (start ? rc : 0) : c;
    len[p] = z ? (start ? rl : 0) : l;
  }
  for (unsigned p = w + 1; p < w + 4; ++p) {
    code[p] = 0;
    len[p] = 0;
  }
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

}  // namespace ebpc::arch
