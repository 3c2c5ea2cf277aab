// Scalar twin of the B = 16 decoder's kernel (contract: arch/unplane_b16.hpp). Plain,
// portable C++: it says what the SSE2 kernel computes, the tests hold that kernel to it,
// and targets without SSE2 run it.
#pragma once

#include <cstdint>
#include <cstring>

#include "arch/unplane_b16.hpp"

namespace ebpc::arch {

namespace scalar_b16_detail {

// One block: record entries 0..W and the base (W-bit pattern) -> 16 W-bit words. False
// when a word's true value falls outside W signed bits.
template <class Out>
inline bool unplane_block(const std::uint8_t* rec, unsigned base, unsigned w, Out* out) noexcept {
  unsigned plane[17];
  unsigned prev = 0;
  for (unsigned p = 0; p <= w; ++p) {
    std::uint16_t e;
    std::memcpy(&e, rec + 2 * p, 2);
    prev = ((e & 0x8000u) != 0 ? 0u : prev) ^ (e & 0x7fffu);
    plane[p] = prev;
  }
  const std::int64_t lo = -(std::int64_t{1} << (w - 1));
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  const std::uint64_t word_mask = (std::uint64_t{1} << w) - 1;
  std::int64_t v = static_cast<std::int64_t>(base & word_mask);
  if (v > hi) {
    v -= std::int64_t{1} << w;
  }
  bool ok = true;
  out[0] = static_cast<Out>(static_cast<std::uint64_t>(v) & word_mask);
  for (unsigned i = 1; i < 16; ++i) {
    std::int64_t d = 0;
    for (unsigned q = 0; q <= w; ++q) {
      d |= static_cast<std::int64_t>((plane[q] >> (15 - i)) & 1u) << q;
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

}  // namespace scalar_b16_detail

struct ScalarUnplaneB16 {
  static constexpr const char* k_name = "scalar";
  using Bad = bool;  // true: some word out of range
  struct Consts {
    unsigned w;
  };
  static inline Bad bad_none() noexcept { return false; }
  static inline bool bad_any(const Bad& bad) noexcept { return bad; }
  static inline Consts consts(unsigned w) noexcept { return {w}; }

  // W = 2..8: two blocks -> 32 bytes.
  static inline void unplane2_narrow(const std::uint8_t* recs, const std::uint16_t* bases, const Consts& k,
                                     std::uint8_t* out, Bad& bad) noexcept {
    for (unsigned b = 0; b < 2; ++b) {
      bad = !scalar_b16_detail::unplane_block(recs + b * k_b16_stride, bases[b], k.w, out + 16 * b) || bad;
    }
  }
  // W = 9..16: two blocks -> 32 uint16.
  static inline void unplane2_wide(const std::uint8_t* recs, const std::uint16_t* bases, const Consts& k,
                                   std::uint16_t* out, Bad& bad) noexcept {
    for (unsigned b = 0; b < 2; ++b) {
      bad = !scalar_b16_detail::unplane_block(recs + b * k_b16_stride, bases[b], k.w, out + 16 * b) || bad;
    }
  }
};

}  // namespace ebpc::arch
