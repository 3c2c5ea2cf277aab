// EBPC encoder fast path for AVX2 + BMI2 CPUs (runtime dispatch: arch/cpu.hpp), B = 8.
//
// The input is taken in segments. Per segment: (1) AVX2 compares give a non-zero mask per
// 64 words, which drives the ZNZ stream (one write per zero run and the '1' bits after it);
// (2) the non-zero words are compacted with a table of pshufb controls, 8 words per step.
// Then the blocks are coded 32 at a time, plane-major: byte lane j of every vector belongs
// to block j. (3) Delta bit-planes with one movemask per plane and 4 blocks; (4) every
// plane's symbol (spec "Stream 2", step 5) is classified for 32 blocks at once with byte
// compares and nibble look-ups, the runs of all-zero DBX planes are counted from the top
// plane down and their code is put on the run's first plane; (5) the per-plane codes (at
// most 8 bits each) and the base are joined per block into pieces of at most 56 bits with
// variable shifts; (6) each piece goes into the BPC stream with one branch-free add + flush.
//
// The result is checked bit for bit against the reference coder on uint8 and uint16
// buffers (tests/test_encode_narrow.cpp; ctest runs it again with EBPC_ISA=baseline for
// the SSE2 path) and by fuzz/fuzz_ebpc_roundtrip.cpp. docs/speed.md has the design and costs.
#include "codec/ebpc_encode_avx2.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "codec/znz_emit.hpp"
#include "common/check.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include <immintrin.h>

namespace ebpc::detail {

namespace {

constexpr std::size_t k_seg = 4096;   // words per segment
constexpr unsigned k_group = 32;      // blocks coded together (one byte lane each)
constexpr unsigned k_max_planes = 17; // W + 1 for W = 16
constexpr unsigned k_max_pieces = 3;   // pieces of <= 56 bits: W + (W + 1) * 8 <= 152 bits

// Plane-major scratch of one group of up to 32 blocks.
struct Group {
  alignas(32) std::uint8_t planes[k_max_planes][k_group];  // DBP[p] of block j: bit i = bit p of d[i] (bit 0: 0)
  alignas(32) std::uint8_t code[k_max_planes][k_group];    // the code put at plane p (<= 8 bits) ...
  alignas(32) std::uint8_t len[k_max_planes][k_group];     // ... and its length (0 inside a zero run)
  alignas(32) std::uint16_t base[k_group];                 // v[0]
  alignas(32) std::uint64_t piece[k_max_pieces][k_group];
  alignas(32) std::uint64_t piece_len[k_max_pieces][k_group];
};

// How the W + 1 plane codes (<= 8 bits each) and the base (W bits) are cut into pieces of
// at most 56 bits (one WideBitWriter::add each): piece 0 is the base and the first
// planes, then 7 planes per piece.
struct PiecePlan {
  unsigned npieces;
  unsigned first[k_max_pieces + 1];  // planes [first[k], first[k+1]) form piece k
};

constexpr PiecePlan make_piece_plan(unsigned w) noexcept {
  PiecePlan plan{};
  plan.first[0] = 0;
  plan.first[1] = std::min((56 - w) / 8, w + 1);
  plan.npieces = 1;
  while (plan.first[plan.npieces] < w + 1) {
    const unsigned p = std::min(plan.first[plan.npieces] + 7, w + 1);
    plan.first[++plan.npieces] = p;
  }
  return plan;
}

EBPC_TARGET_AVX2 inline __m256i load256(const void* p) noexcept {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
EBPC_TARGET_AVX2 inline void store256(void* p, __m256i v) noexcept {
  _mm256_storeu_si256(static_cast<__m256i*>(p), v);
}
inline void store_u32(void* p, std::uint32_t v) noexcept { std::memcpy(p, &v, 4); }

// ---- (1) Non-zero masks.

EBPC_TARGET_AVX2 inline std::uint64_t nonzero_mask64(const std::uint8_t* p, __m256i& all) noexcept {
  const __m256i a = load256(p);
  const __m256i b = load256(p + 32);
  all = _mm256_or_si256(all, _mm256_or_si256(a, b));
  const __m256i zero = _mm256_setzero_si256();
  const auto za = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, zero)));
  const auto zb = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, zero)));
  return ~(std::uint64_t{za} | std::uint64_t{zb} << 32);
}

EBPC_TARGET_AVX2 inline std::uint64_t nonzero_mask64(const std::uint16_t* p, __m256i& all) noexcept {
  const __m256i a = load256(p);
  const __m256i b = load256(p + 16);
  const __m256i c = load256(p + 32);
  const __m256i d = load256(p + 48);
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

// The OR of all the Word lanes of v.
template <class Word>
EBPC_TARGET_AVX2 inline std::uint64_t or_lanes(__m256i v) noexcept {
  const __m128i x = _mm_or_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  std::uint64_t r = static_cast<std::uint64_t>(_mm_cvtsi128_si64(x)) | static_cast<std::uint64_t>(_mm_extract_epi64(x, 1));
  r |= r >> 32;
  r |= r >> 16;
  if constexpr (sizeof(Word) == 1) {
    r |= r >> 8;
  }
  return r & static_cast<Word>(~Word{0});
}

// ---- (2) Compaction of the non-zero words of 64 words with mask m to out; returns the count.

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
constexpr CompactTable<1> k_compact_u8{};
constexpr CompactTable<2> k_compact_u16{};

// Word: uint8 (8 words = 8 bytes per step) or uint16 (8 words = 16 bytes per step).
template <class Word>
EBPC_TARGET_AVX2 inline unsigned compact64(const Word* in, std::uint64_t m, Word* out) noexcept {
  if (m == ~std::uint64_t{0}) {
    std::memcpy(out, in, 64 * sizeof(Word));
    return 64;
  }
  const auto& table = sizeof(Word) == 1 ? k_compact_u8.t : k_compact_u16.t;
  unsigned n = 0;
  for (unsigned k = 0; k < 8; ++k) {
    const auto mb = static_cast<unsigned>((m >> (8 * k)) & 0xff);
    const __m128i ctrl = _mm_load_si128(reinterpret_cast<const __m128i*>(table[mb]));
    if constexpr (sizeof(Word) == 1) {
      const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 8 * k));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + n), _mm_shuffle_epi8(x, ctrl));  // 8 bytes of slack at out
    } else {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 8 * k));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), _mm_shuffle_epi8(x, ctrl));  // 8 words of slack at out
    }
    n += static_cast<unsigned>(_mm_popcnt_u32(mb));
  }
  return n;
}

// ---- (3) Delta bit-planes of 32 blocks (nz: 256 words), plane-major, and the bases.

template <unsigned WT>  // W when known at compile time, else 0 (then w_rt)
EBPC_TARGET_AVX2 inline void planes_group(const std::uint8_t* nz, unsigned w_rt, Group& g) noexcept {
  const unsigned w = WT != 0 ? WT : w_rt;
  const __m128i up = _mm_cvtsi32_si128(static_cast<int>(8 - w));
  const __m256i keep = _mm256_set1_epi8(static_cast<char>(0xff << (8 - w)));
  for (unsigned v = 0; v < k_group / 4; ++v) {  // 4 blocks per vector
    const __m256i x = _mm256_and_si256(_mm256_sll_epi16(load256(nz + 32 * v), up), keep);  // W bits at the top
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
EBPC_TARGET_AVX2 inline void planes_group(const std::uint16_t* nz, unsigned w_rt, Group& g) noexcept {
  const unsigned w = WT != 0 ? WT : w_rt;
  const __m128i up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
  for (unsigned q = 0; q < k_group / 4; ++q) {  // 4 blocks per pair of vectors
    const __m256i a = _mm256_sll_epi16(load256(nz + 32 * q), up);
    const __m256i b = _mm256_sll_epi16(load256(nz + 32 * q + 16), up);
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

// ---- (4) The code at every plane of 32 blocks.
//
// Plane bytes hold d[i] in bit i (i = 1..7); the spec's plane has d[1] as its MSB, so a
// spec position k is bit 7 - k here. Index fields: one '1' at spec position s codes
// index 6 - s, two at s + 1 and s code 5 - s: both are (lowest set bit here) - 1. The
// uncompressed DBX is the bit-reversed byte.
template <unsigned WT>
EBPC_TARGET_AVX2 inline void classify_group(Group& g, unsigned w_rt) noexcept {
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
  const __m256i five = _mm256_set1_epi8(5);
  const __m256i eight = _mm256_set1_epi8(8);
  const __m256i run_head = _mm256_set1_epi8(static_cast<char>((1u << lw) - 2));  // (1 << lw) | (r - 2) = r + this
  const __m256i run_len = _mm256_set1_epi8(static_cast<char>(3 + lw));

  // Pass 1, planes up: DBX (in code[]) and DBX == 0 (in len[]).
  __m256i prev = zero;
#pragma GCC unroll 17
  for (unsigned p = 0; p <= w; ++p) {
    const __m256i cur = _mm256_and_si256(load256(g.planes[p]), data_bits);
    const __m256i dbx = _mm256_xor_si256(cur, prev);
    prev = cur;
    store256(g.code[p], dbx);
    store256(g.len[p], _mm256_cmpeq_epi8(dbx, zero));
  }
  // Pass 2, planes down: zero-run lengths and the codes.
  __m256i run = zero;
#pragma GCC unroll 17
  for (unsigned i = 0; i <= w; ++i) {
    const unsigned p = w - i;
    const __m256i dbx = load256(g.code[p]);
    const __m256i z = load256(g.len[p]);
    const __m256i z_below = p > 0 ? load256(g.len[p - 1]) : zero;
    const __m256i plane_zero = _mm256_cmpeq_epi8(_mm256_and_si256(load256(g.planes[p]), data_bits), zero);
    run = _mm256_and_si256(_mm256_sub_epi8(run, ones), z);  // run + 1 on a zero DBX, else 0
    const __m256i start = _mm256_andnot_si256(z_below, z);  // first plane of a run
    const __m256i single_run = _mm256_cmpeq_epi8(run, one);
    const __m256i rc = _mm256_blendv_epi8(_mm256_add_epi8(run, run_head), one, single_run);
    const __m256i rl = _mm256_blendv_epi8(run_len, two, single_run);

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

    __m256i code = _mm256_or_si256(rev, _mm256_set1_epi8(static_cast<char>(0x80)));  // '1' + DBX
    code = _mm256_blendv_epi8(code, _mm256_or_si256(idx, _mm256_set1_epi8(0x18)), single);
    code = _mm256_blendv_epi8(code, _mm256_or_si256(idx, _mm256_set1_epi8(0x10)), pair);
    code = _mm256_blendv_epi8(code, one, plane_zero);
    code = _mm256_blendv_epi8(code, zero, all_ones);
    __m256i len = _mm256_blendv_epi8(eight, five, _mm256_or_si256(plane_zero, all_ones));
    code = _mm256_blendv_epi8(code, _mm256_and_si256(rc, start), z);
    len = _mm256_blendv_epi8(len, _mm256_and_si256(rl, start), z);
    store256(g.code[p], code);
    store256(g.len[p], len);
  }
}

// ---- (5) Pieces: per block, the base and the plane codes joined into at most 56 bits each.
EBPC_TARGET_AVX2 inline __m256i widen4(const std::uint8_t* p) noexcept {  // 4 bytes -> 4 x u64
  return _mm256_cvtepu8_epi64(_mm_loadu_si32(p));
}

template <unsigned WT>
EBPC_TARGET_AVX2 inline void pieces_group(Group& g, unsigned w_rt, const PiecePlan& plan_rt) noexcept {
  static constexpr PiecePlan k_plan = make_piece_plan(WT != 0 ? WT : 8);
  const unsigned w = WT != 0 ? WT : w_rt;
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
      store256(&g.piece[k][4 * q], acc);
      store256(&g.piece_len[k][4 * q], acc_len);
    }
  }
}

// ---- (6) The pieces of blocks [0, nblocks) into the stream, one add + flush each.
template <unsigned NPieces>
EBPC_TARGET_AVX2 inline void emit_group(WideBitWriter& bpc, const Group& g, unsigned nblocks) noexcept {
  for (unsigned j = 0; j < nblocks; ++j) {
    for (unsigned k = 0; k < NPieces; ++k) {
      bpc.add(g.piece[k][j], static_cast<unsigned>(g.piece_len[k][j]));
      bpc.flush();
    }
  }
}

EBPC_TARGET_AVX2 inline void emit_any(WideBitWriter& bpc, const Group& g, unsigned nblocks,
                                      unsigned npieces) noexcept {
  switch (npieces) {
    case 1: emit_group<1>(bpc, g, nblocks); break;
    case 2: emit_group<2>(bpc, g, nblocks); break;
    default: emit_group<3>(bpc, g, nblocks); break;
  }
}

template <unsigned WT, class Word>
EBPC_TARGET_AVX2 inline void code_group(const Word* nz, unsigned nblocks, unsigned w, const PiecePlan& plan, Group& g,
                                        WideBitWriter& bpc) noexcept {
  planes_group<WT>(nz, w, g);
  classify_group<WT>(g, w);
  pieces_group<WT>(g, w, plan);
  emit_any(bpc, g, nblocks, WT != 0 ? make_piece_plan(WT).npieces : plan.npieces);
}

template <unsigned WT, class Word>
EBPC_TARGET_AVX2 std::uint64_t encode_impl(std::span<const Word> words, unsigned w, unsigned z,
                                           WideBitWriter& znz_out, WideBitWriter& bpc_out) noexcept {
  // The writers live in locals: the stores of the loops cannot alias them.
  WideBitWriter znz = znz_out;
  WideBitWriter bpc = bpc_out;
  const unsigned z_nbits = ceil_log2(z);
  const PiecePlan plan = make_piece_plan(w);
  constexpr std::size_t group_nwords = 8 * k_group;
  alignas(32) Word nz[group_nwords + k_seg + 16];  // leftover (< one group) + a segment + compaction slack
  alignas(32) Group g;
  std::uint64_t masks[k_seg / 64];
  std::size_t nz_fill = 0;
  unsigned zero_run = 0;
  __m256i all_v = _mm256_setzero_si256();
  std::uint64_t all = 0;
  const std::size_t n = words.size();
  const Word* in = words.data();
  for (std::size_t i = 0; i < n; i += k_seg) {
    const std::size_t len = std::min(k_seg, n - i);
    const std::size_t full = len / 64;
    for (std::size_t k = 0; k < full; ++k) {
      masks[k] = nonzero_mask64(in + i + 64 * k, all_v);
    }
    for (std::size_t k = 0; k < full; ++k) {
      emit_znz64(znz, masks[k], zero_run, z, z_nbits);
      nz_fill += compact64(in + i + 64 * k, masks[k], nz + nz_fill);
    }
    if (len % 64 != 0) {  // the last words of the input
      const Word* tail = in + i + 64 * full;
      const auto count = static_cast<unsigned>(len % 64);
      std::uint64_t m = 0;
      for (unsigned j = 0; j < count; ++j) {
        all |= tail[j];
        m |= std::uint64_t{tail[j] != 0} << j;
      }
      emit_znz(znz, m, count, zero_run, z, z_nbits);
      for (unsigned j = 0; j < count; ++j) {
        if (tail[j] != 0) {
          nz[nz_fill++] = tail[j];
        }
      }
    }
    std::size_t done = 0;
    for (; done + group_nwords <= nz_fill; done += group_nwords) {
      code_group<WT>(nz + done, k_group, w, plan, g, bpc);
    }
    std::copy(nz + done, nz + nz_fill, nz);
    nz_fill -= done;
  }
  if (zero_run != 0) {
    znz.add(zero_run - 1, 1 + z_nbits);
    znz.flush();
  }
  if (nz_fill != 0) {
    // The last block is padded with zero words; the lanes after it are not written out.
    std::fill(nz + nz_fill, nz + group_nwords, Word{0});
    code_group<WT>(nz, static_cast<unsigned>((nz_fill + 7) / 8), w, plan, g, bpc);
  }
  znz_out = znz;
  bpc_out = bpc;
  return all | or_lanes<Word>(all_v);
}

}  // namespace

EBPC_TARGET_AVX2 std::uint64_t encode_b8_avx2(std::span<const std::uint8_t> words, unsigned w, unsigned z,
                                              WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return w == 8 ? encode_impl<8>(words, w, z, znz, bpc) : encode_impl<0>(words, w, z, znz, bpc);
}

EBPC_TARGET_AVX2 std::uint64_t encode_b8_avx2(std::span<const std::uint16_t> words, unsigned w, unsigned z,
                                              WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return w == 16 ? encode_impl<16>(words, w, z, znz, bpc) : encode_impl<0>(words, w, z, znz, bpc);
}

}  // namespace ebpc::detail

#endif  // EBPC_ARCH_HAVE_AVX2
