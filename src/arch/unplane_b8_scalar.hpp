// Scalar twins of the B = 8 decoder's kernels (contract: arch/unplane_b8.hpp). Plain,
// portable C++: they say what the SIMD kernels compute, the tests hold the SIMD kernels
// to them, and targets without SSE2 run them.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "arch/unplane_b8.hpp"

namespace ebpc::arch {

namespace scalar_detail {

// One block of kB words (8 or 16): record entries 0..W (B = 8: bytes, DBX in bits 0..6;
// B = 16: 16-bit entries, DBX in bits 0..14; the top bit flags DBP all zero) and the base
// (W-bit pattern) -> kB W-bit words. False when a word's true value falls outside W signed
// bits. The twin of both decoders' block kernels.
template <unsigned kB, class Out>
inline bool unplane_block(const std::uint8_t* rec, unsigned base, unsigned w, Out* out) noexcept {
  static_assert(kB == 8 || kB == 16);
  constexpr unsigned flag = 1u << (kB - 1);
  unsigned plane[17];
  unsigned prev = 0;
  for (unsigned p = 0; p <= w; ++p) {
    unsigned e;
    if constexpr (kB == 8) {
      e = rec[p];
    } else {
      std::uint16_t e16;
      std::memcpy(&e16, rec + 2 * p, 2);
      e = e16;
    }
    prev = ((e & flag) != 0 ? 0u : prev) ^ (e & (flag - 1));
    plane[p] = prev;
  }
  const std::int64_t lo = -(std::int64_t{1} << (w - 1));
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  const std::uint64_t word_mask = (std::uint64_t{1} << w) - 1;
  // The base as a signed W-bit value.
  std::int64_t v = static_cast<std::int64_t>(base & word_mask);
  if (v > hi) {
    v -= std::int64_t{1} << w;
  }
  bool ok = true;
  out[0] = static_cast<Out>(static_cast<std::uint64_t>(v) & word_mask);
  for (unsigned i = 1; i < kB; ++i) {
    std::int64_t d = 0;
    for (unsigned q = 0; q <= w; ++q) {
      d |= static_cast<std::int64_t>((plane[q] >> (kB - 1 - i)) & 1u) << q;
    }
    if (d >= (std::int64_t{1} << w)) {
      d -= std::int64_t{1} << (w + 1);  // (W+1)-bit two's complement
    }
    v += d;
    ok = ok && v >= lo && v <= hi;
    out[i] = static_cast<Out>(static_cast<std::uint64_t>(v) & word_mask);
  }
  return ok;
}

}  // namespace scalar_detail

struct ScalarDecodeKernels {
  static constexpr const char* k_name = "scalar";
  using Bad = bool;  // true: some word out of range
  struct NarrowConsts {};
  struct WideConsts {};

  static inline Bad bad_none() noexcept { return false; }
  static inline bool bad_any(const Bad& bad) noexcept { return bad; }
  static inline NarrowConsts narrow_consts(unsigned) noexcept { return {}; }
  static inline WideConsts wide_consts(unsigned) noexcept { return {}; }

  // W = 2..8. recs: 4 records k_narrow_stride apart. bases8: the 4 bases top-aligned in a
  // byte (base << (8 - W)). out: 32 bytes, 8 words per block.
  static inline void unplane4_narrow(const std::uint8_t* recs, const std::uint8_t* bases8, unsigned w,
                                     const NarrowConsts&, std::uint8_t* out, Bad& bad) noexcept {
    for (unsigned b = 0; b < 4; ++b) {
      const bool ok = scalar_detail::unplane_block<8>(recs + b * k_narrow_stride, unsigned{bases8[b]} >> (8 - w), w,
                                                   out + 8 * b);
      bad = bad || !ok;
    }
  }

  // W = 9..16. recs: 4 records k_wide_stride apart. bases16: the 4 bases (W-bit patterns).
  // out: 32 uint16, 8 words per block.
  static inline void unplane4_wide(const std::uint8_t* recs, const std::uint16_t* bases16, unsigned w,
                                   const WideConsts&, std::uint16_t* out, Bad& bad) noexcept {
    for (unsigned b = 0; b < 4; ++b) {
      const bool ok = scalar_detail::unplane_block<8>(recs + b * k_wide_stride, unsigned{bases16[b]}, w, out + 8 * b);
      bad = bad || !ok;
    }
  }

  // out[i] (i < len) = the next word of src where bit i of the mask is set, else 0. The
  // mask: bit i%8 of byte mbytes[i/8], readable in whole groups of 8 bytes, bits >= len
  // clear. The SIMD twins may read up to 16 bytes past the words used.
  template <class Word, class Val>
  static inline void scatter(const std::uint8_t* mbytes, std::size_t len, const Val* src, Word* out) noexcept {
    for (std::size_t i = 0; i < len; ++i) {
      out[i] = 0;
    }
    for (std::size_t g = 0; g * 64 < len; ++g) {
      std::uint64_t m = 0;
      for (unsigned k = 0; k < 8; ++k) {
        m |= std::uint64_t{mbytes[8 * g + k]} << (8 * k);
      }
      Word* o = out + 64 * g;
      while (m != 0) {
        o[std::countr_zero(m)] = static_cast<Word>(*src++);
        m &= m - 1;
      }
    }
  }
  template <class Word>
  static inline void scatter_narrow(const std::uint8_t* mbytes, std::size_t len, const std::uint8_t* src,
                                    Word* out) noexcept {
    scatter(mbytes, len, src, out);
  }
  template <class Word>
  static inline void scatter_wide(const std::uint8_t* mbytes, std::size_t len, const std::uint16_t* src,
                                  Word* out) noexcept {
    scatter(mbytes, len, src, out);
  }

  // True when one of v[0..count) is zero.
  template <class Val>
  static inline bool any_zero(const Val* v, std::size_t count) noexcept {
    unsigned hit = 0;
    for (std::size_t k = 0; k < count; ++k) {
      hit |= unsigned{v[k] == 0};
    }
    return hit != 0;
  }
  static inline bool any_zero_u8(const std::uint8_t* v, std::size_t count) noexcept { return any_zero(v, count); }
  static inline bool any_zero_u16(const std::uint16_t* v, std::size_t count) noexcept { return any_zero(v, count); }

  // The low n bits set, n = 0..63.
  static inline std::uint64_t low_ones(unsigned n) noexcept { return (std::uint64_t{1} << n) - 1; }
  static inline unsigned popcount64(std::uint64_t x) noexcept { return static_cast<unsigned>(std::popcount(x)); }
};

}  // namespace ebpc::arch
