// Scalar twin of the B = 16 decoder's kernel (contract: arch/unplane_b16.hpp). Plain,
// portable C++: it says what the SSE2 kernel computes, the tests hold that kernel to it,
// and targets without SSE2 run it.
#pragma once

#include <cstdint>
#include <cstring>

#include "arch/unplane_b16.hpp"
#include "arch/unplane_b8_scalar.hpp"  // scalar_detail::unplane_block, the twin of both

namespace ebpc::arch {

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
      bad = !scalar_detail::unplane_block<16>(recs + b * k_b16_stride, bases[b], k.w, out + 16 * b) || bad;
    }
  }
  // W = 9..16: two blocks -> 32 uint16.
  static inline void unplane2_wide(const std::uint8_t* recs, const std::uint16_t* bases, const Consts& k,
                                   std::uint16_t* out, Bad& bad) noexcept {
    for (unsigned b = 0; b < 2; ++b) {
      bad = !scalar_detail::unplane_block<16>(recs + b * k_b16_stride, bases[b], k.w, out + 16 * b) || bad;
    }
  }
};

}  // namespace ebpc::arch
