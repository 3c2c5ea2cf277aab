// Internal helpers shared by the encoder and decoder models: seeded coin flips for
// back-pressure and bubbles, bit helpers, and the input driver of a valid/ready channel.
#pragma once

#include <cstdint>

#include "common/check.hpp"

namespace ebpc::hw::detail {

// splitmix64: small, seedable, identical on every platform (std distributions are not).
class Coin {
 public:
  Coin(std::uint64_t seed, std::uint64_t stream) noexcept : state_(seed ^ (stream * 0x9E3779B97F4A7C15ULL)) {}

  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // True with probability p (exactly true for p >= 1, exactly false for p <= 0).
  bool flip(double p) noexcept {
    if (p >= 1.0) {
      return true;
    }
    if (p <= 0.0) {
      return false;
    }
    const double u = static_cast<double>(next() >> 11) * 0x1.0p-53;
    return u < p;
  }

 private:
  std::uint64_t state_;
};

// The library's bit helpers (common/check.hpp), under the names the models use.
using ebpc::ceil_log2;
inline constexpr std::uint64_t low_mask(unsigned nbits) noexcept { return low_mask64(nbits); }
inline constexpr std::int32_t sign_extend32(std::uint32_t v, unsigned nbits) noexcept {
  return static_cast<std::int32_t>(ebpc::sign_extend(v, nbits));
}

// The sizes both models derive from HwConfig.
struct Geometry {
  unsigned w = 8;
  unsigned b = 8;
  unsigned log2_w = 3;
  unsigned log2_b = 3;
  std::uint64_t word_mask = 0xff;
  std::uint64_t reg_mask = 0xffff;  // 2W-bit packing registers
};

inline Geometry make_geometry(unsigned word_nbits, unsigned block_nwords) noexcept {
  Geometry g;
  g.w = word_nbits;
  g.b = block_nwords;
  g.log2_w = ceil_log2(g.w);
  g.log2_b = ceil_log2(g.b);
  g.word_mask = low_mask(g.w);
  g.reg_mask = low_mask(2 * g.w);
  return g;
}

// One cycle's combinational settling: evaluate(wires) runs every stage once; repeated until
// no wire changes (the circuits have no combinational loops, so that is the RTL's settled
// value). False if it does not settle within a bound no correct model reaches.
template <class Wires, class Evaluate>
bool settle_wires(Wires& w, Evaluate&& evaluate) {
  constexpr unsigned k_max_settle_passes = 16;
  for (unsigned pass = 0; pass < k_max_settle_passes; ++pass) {
    const Wires before = w;
    evaluate(w);
    if (w == before) {
      return true;
    }
  }
  return false;
}

// The source side of a valid/ready channel: offers items 0..n-1 in order, each held
// (valid high, data stable) from the cycle it is first offered until it is accepted.
// Before offering an item it may insert bubbles (valid low) with a seeded probability.
class InputDriver {
 public:
  InputDriver(std::uint64_t n, double bubble_probability, std::uint64_t seed, std::uint64_t stream) noexcept
      : n_(n), bubble_probability_(bubble_probability), coin_(seed, stream) {}

  // Called once at the start of each cycle: whether valid is high in this cycle.
  bool begin_cycle() noexcept {
    if (next_ >= n_) {
      offering_ = false;
      return false;
    }
    if (!offering_) {
      offering_ = !coin_.flip(bubble_probability_);
    }
    return offering_;
  }
  // Called after the cycle settled, with the sink's ready.
  bool end_cycle(bool ready) noexcept {
    const bool fire = offering_ && ready;
    if (fire) {
      ++next_;
      offering_ = false;
    }
    return fire;
  }
  std::uint64_t index() const noexcept { return next_; }
  bool done() const noexcept { return next_ >= n_; }

 private:
  std::uint64_t n_;
  std::uint64_t next_ = 0;
  bool offering_ = false;
  double bubble_probability_;
  Coin coin_;
};

// A cycle bound that no correct run reaches: every stage moves at least one bit per
// W cycles of the slowest side, so (items + 64) * 8W cycles, stretched by the probabilities.
std::uint64_t default_max_ncycles(std::uint64_t nitems, unsigned word_nbits, double out_ready_probability,
                                  double in_bubble_probability) noexcept;

}  // namespace ebpc::hw::detail
