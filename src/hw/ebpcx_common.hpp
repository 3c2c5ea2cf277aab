// What the EBPC-X encoder and decoder models share (docs/ebpcx.md, "The adaptive binary
// arithmetic coder (ABAC)"; bench/ebpcx_study.py abac_bins / abac_decode): the word
// classes, the probability states and their update, the context buffers, and the register
// widths the cost table is derived from. Neither direction's code is in here.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "common/check.hpp"
#include <ebpc/hw_ebpcx.hpp>

namespace ebpc::hw::detail::ebpcx {

// Probability state indices (abac_bins: ST_Z, ST_EQ, ST_GT, ST_U, ST_M).
inline constexpr unsigned k_st_zero = 0;    // 8: (left != 0) + 2 (above != 0) + 4 (previous channel != 0)
inline constexpr unsigned k_st_eq = 8;      // 4: class != base, by the left word's bucket
inline constexpr unsigned k_st_gt = 12;     // 4: class > base, by the left word's bucket
inline constexpr unsigned k_st_unary = 16;  // 12: direction x unary bin index
inline constexpr unsigned k_st_mant = 28;   // 9: the top bit below the leading one, by clamp(class - base, -4, 4)
static_assert(k_st_mant + 9 == k_ebpcx_nstates);

inline constexpr std::uint16_t k_prob_half = 1u << (k_ebpcx_prob_nbits - 1);
inline constexpr std::uint32_t k_prob_one = 1u << k_ebpcx_prob_nbits;
inline constexpr std::uint32_t k_range_top = 1u << 24;  // renormalise while range < 2^24

// The shift-only update of a state after a bin (the study's RangeEncoder.encode_bins).
inline std::uint16_t updated(std::uint16_t p, unsigned bin) noexcept {
  if (bin != 0) {
    return static_cast<std::uint16_t>(p - (p >> k_ebpcx_update_shift));
  }
  return static_cast<std::uint16_t>(p + ((k_prob_one - p) >> k_ebpcx_update_shift));
}

// The split of the range for a state: (range >> 11) * p, the only multiply (21 x 11 bits).
inline std::uint32_t bound_of(std::uint32_t range, std::uint16_t p) noexcept {
  return (range >> k_ebpcx_prob_nbits) * p;
}

using Probs = std::array<std::uint16_t, k_ebpcx_nstates>;

inline Probs initial_probs() noexcept {
  Probs p{};
  p.fill(k_prob_half);
  return p;
}

// A word as the coder sees it (binarise in the study): class 0 is the zero word; fixed:
// class = bit length of |v|, mant = |v| - 2^(class-1) in class-1 bits; float: class = 1 +
// exponent field (0 only for +0), mant = the mantissa field.
struct WordClass {
  unsigned cls = 0;
  unsigned sign = 0;
  std::uint32_t mant = 0;
  unsigned mant_nbits = 0;
};

inline unsigned float_mant_nbits(EbpcxFormat f) noexcept { return f == EbpcxFormat::float16 ? 10 : 7; }

inline WordClass classify(std::uint32_t word, const EbpcxParams& p) noexcept {
  WordClass c;
  if (p.format == EbpcxFormat::fixed) {
    const std::int64_t v = sign_extend(word, p.word_nbits);
    const std::uint64_t a = static_cast<std::uint64_t>(v < 0 ? -v : v);
    if (a == 0) {
      return c;
    }
    unsigned len = 0;
    while ((a >> len) != 0) {
      ++len;
    }
    c.cls = len;
    c.sign = v < 0 ? 1u : 0u;
    c.mant_nbits = len - 1;
    c.mant = static_cast<std::uint32_t>(a - (std::uint64_t{1} << (len - 1)));
    return c;
  }
  const unsigned m = float_mant_nbits(p.format);
  const std::uint32_t u = word & 0xffffu;
  if (u == 0) {
    return c;
  }
  c.cls = ((u >> m) & ((1u << (15 - m)) - 1)) + 1;
  c.sign = (u >> 15) & 1u;
  c.mant = u & ((1u << m) - 1);
  c.mant_nbits = m;
  return c;
}

// Mantissa bits a nonzero class carries (the decoder's view: it has only the class).
inline unsigned mant_nbits_of(unsigned cls, const EbpcxParams& p) noexcept {
  if (cls == 0) {
    return 0;
  }
  return p.format == EbpcxFormat::fixed ? cls - 1 : float_mant_nbits(p.format);
}

// The left word's bucket for the "== base" and "> base" states.
inline unsigned left_bucket(unsigned left_cls, unsigned base) noexcept {
  if (left_cls == 0) {
    return 0;
  }
  return left_cls < base ? 1 : (left_cls == base ? 2 : 3);
}

inline unsigned mant_state(int d) noexcept { return k_st_mant + static_cast<unsigned>(std::clamp(d, -4, 4) + 4); }

// The zero flag's context buffers, as the hardware holds them: the nonzero flags of the
// previous row (line buffer, width entries) and of the previous channel (plane buffer,
// height x width entries). A neighbour outside the map or before the chunk reads as zero.
class ContextBuffers {
 public:
  ContextBuffers(const EbpcxShape& shape, std::uint64_t origin)
      : shape_(shape), origin_(origin), row_(static_cast<std::size_t>(shape.width), 0),
        plane_(static_cast<std::size_t>(shape.plane_nwords()), 0) {}

  // The zero flag's state for the word at flat index pos, given the left word's class.
  unsigned zero_state(std::uint64_t pos, unsigned left_cls) const noexcept {
    const std::uint64_t plane = shape_.plane_nwords();
    const std::uint64_t in_plane = pos % plane;
    const std::uint64_t x = in_plane % shape_.width;
    const bool above = in_plane >= shape_.width && pos - shape_.width >= origin_ && row_[static_cast<std::size_t>(x)] != 0;
    const bool prev = pos >= plane && pos - plane >= origin_ && plane_[static_cast<std::size_t>(in_plane)] != 0;
    return k_st_zero + (left_cls != 0 ? 1u : 0u) + (above ? 2u : 0u) + (prev ? 4u : 0u);
  }
  // After the word at pos is coded: its flag replaces the one read for it.
  void store(std::uint64_t pos, bool nonzero) noexcept {
    const std::uint64_t in_plane = pos % shape_.plane_nwords();
    row_[static_cast<std::size_t>(in_plane % shape_.width)] = nonzero ? 1 : 0;
    plane_[static_cast<std::size_t>(in_plane)] = nonzero ? 1 : 0;
  }
  std::uint64_t row_nbits() const noexcept { return row_.size(); }
  std::uint64_t plane_nbits() const noexcept { return plane_.size(); }

 private:
  EbpcxShape shape_;
  std::uint64_t origin_;
  std::vector<std::uint8_t> row_;    // 1 bit per row position
  std::vector<std::uint8_t> plane_;  // 1 bit per position of a channel plane
};

// Register widths of the cost table (docs/ebpcx.md). The model checks its values against
// them (EbpcxRangeTrace::max_low, max_pending_nbytes).
inline constexpr unsigned k_low_nbits = 33;      // low < 2^32 after a shift, plus a bound < 2^32
inline constexpr unsigned k_range_nbits = 32;
inline constexpr unsigned k_code_nbits = 32;     // decoder
inline constexpr unsigned k_cache_nbits = 8;
inline constexpr unsigned k_pending_nbits = 16;  // the pending-0xFF count (runs of up to 65535 bytes)
inline constexpr unsigned k_raw_acc_nbits = 64;  // raw packer / unpacker: < 32 + 22 bits held
inline constexpr unsigned k_raw_port_nbits = 32;
inline constexpr unsigned k_flush_nshifts = 5;

inline unsigned header_nbits(const EbpcxParams& p) noexcept { return 1 + ceil_log2(ebpcx_class_count(p)); }

}  // namespace ebpc::hw::detail::ebpcx
