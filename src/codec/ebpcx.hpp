// EBPC-X (docs/ebpcx.md "The ebpcx stream"): what its encoder and decoder share. A word is
// a class (0 = the zero word) plus bypass bits; the class is binarised into at most 10
// bins, each coded by a 32-bit binary range coder with one of 37 adaptive 11-bit
// probability states chosen by the word's left, above and previous-channel neighbours;
// the sign and the low mantissa bits go to a separate raw bit stream.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <ebpc/codecs.hpp>

#include "common/check.hpp"

namespace ebpc::detail {

std::size_t ebpcx_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> ebpcx_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out);
Result<void> ebpcx_decode(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, const CodecParams& p,
                          std::span<std::uint8_t> words_out);
// W and format accepted by ebpcx: fixed 2..32, float16 / bfloat16 16.
Result<void> ebpcx_check_params(const CodecParams& p) noexcept;

namespace ebpcx {

// Probability state indices.
inline constexpr unsigned k_st_zero = 0;    // 8: (left != 0) + 2 (above != 0) + 4 (previous channel != 0)
inline constexpr unsigned k_st_eq = 8;      // 4: class != base, by the left word's bucket
inline constexpr unsigned k_st_gt = 12;     // 4: class > base, by the left word's bucket
inline constexpr unsigned k_st_unary = 16;  // 12: direction (0 below, 1 above) x 6 + unary bin index
inline constexpr unsigned k_st_mant = 28;   // 9: the top mantissa bit, by clamp(class - base, -4, 4) + 4
inline constexpr unsigned k_nstates = 37;
inline constexpr unsigned k_unary_nbins = 6;  // context-coded unary bins before the raw escape
inline constexpr unsigned k_max_bins_per_word = 10;

inline constexpr unsigned k_prob_nbits = 11;
inline constexpr unsigned k_update_shift = 5;
inline constexpr std::uint16_t k_prob_half = 1u << (k_prob_nbits - 1);
inline constexpr std::uint32_t k_prob_one = 1u << k_prob_nbits;
inline constexpr std::uint32_t k_range_top = 1u << 24;  // renormalise (one byte) while range < 2^24

using Probs = std::array<std::uint16_t, k_nstates>;

// p is the probability of a 0 bin, in 1/2048; it stays within 31..2017, so that range
// stays >= 2^17 after a bin and one renormalisation byte always suffices.
inline std::uint16_t updated(std::uint16_t p, unsigned bin) noexcept {
  return bin != 0 ? static_cast<std::uint16_t>(p - (p >> k_update_shift))
                  : static_cast<std::uint16_t>(p + ((k_prob_one - p) >> k_update_shift));
}

inline unsigned class_count(WordFormat f, unsigned word_nbits) noexcept {
  return f == WordFormat::fixed ? word_nbits + 1 : (f == WordFormat::float16 ? 33u : 257u);
}
inline unsigned float_mant_nbits(WordFormat f) noexcept { return f == WordFormat::float16 ? 10 : 7; }
// Mantissa bits of a nonzero class (fixed: the bits below the leading one).
inline unsigned mant_nbits_of(unsigned cls, WordFormat f) noexcept {
  return f == WordFormat::fixed ? cls - 1 : float_mant_nbits(f);
}

inline unsigned left_bucket(unsigned left_cls, unsigned base) noexcept {
  if (left_cls == 0) {
    return 0;
  }
  return left_cls < base ? 1u : (left_cls == base ? 2u : 3u);
}

inline unsigned mant_state(int d) noexcept { return k_st_mant + static_cast<unsigned>(std::clamp(d, -4, 4) + 4); }

// The stream header (docs/ebpcx.md "The ebpcx stream"): 3 bytes, then four LEB128 varints.
inline constexpr std::uint8_t k_flag_format_mask = 0x03;
inline constexpr std::uint8_t k_flag_signed = 0x04;
inline constexpr std::size_t k_fixed_header_nbytes = 3;
inline constexpr std::size_t k_max_varint_nbytes = 10;
inline constexpr std::size_t k_max_header_nbytes = k_fixed_header_nbytes + 4 * k_max_varint_nbytes;
// The range decoder reads zeros past the end of its stream; more than this many means the
// stream was cut (the encoder's flush leaves at most 4 bytes the decoder does not read).
inline constexpr std::uint64_t k_max_overread_nbytes = 4;
inline constexpr unsigned k_max_escape_zeros = 32;

struct StreamHeader {
  WordFormat format = WordFormat::fixed;
  bool is_signed = false;
  unsigned word_nbits = 8;
  unsigned base = 1;
  std::uint64_t row_nwords = 0;
  std::uint64_t plane_nwords = 0;
  std::uint64_t phase_nwords = 0;  // the first word's index within its plane (or row)
  std::uint64_t range_nbytes = 0;
};

// The context geometry's rules, for both directions: plane a multiple of row (when both
// are set), phase below the plane (or the row when there is no plane; 0 when neither).
inline bool geometry_ok(std::uint64_t row, std::uint64_t plane, std::uint64_t phase) noexcept {
  if (row != 0 && plane != 0 && plane % row != 0) {
    return false;
  }
  const std::uint64_t period = plane != 0 ? plane : row;
  return period == 0 ? phase == 0 : phase < period;
}

// Walks the positions of a buffer's words for the above and previous-channel contexts.
class Position {
 public:
  Position(std::uint64_t row, std::uint64_t plane, std::uint64_t phase) noexcept
      : row_(row), plane_(plane), in_plane_(plane != 0 ? phase : std::min(phase, row)) {}
  // Whether the word above (row_nwords back) exists for word index i of the buffer.
  bool has_above(std::uint64_t i) const noexcept { return row_ != 0 && i >= row_ && in_plane_ >= row_; }
  bool has_prev(std::uint64_t i) const noexcept { return plane_ != 0 && i >= plane_; }
  void next() noexcept {
    ++in_plane_;
    if (plane_ != 0) {
      in_plane_ = in_plane_ == plane_ ? 0 : in_plane_;
    } else {
      in_plane_ = std::min(in_plane_, row_);  // no plane: only "past the first row" matters
    }
  }
  std::uint64_t row() const noexcept { return row_; }
  std::uint64_t plane() const noexcept { return plane_; }

 private:
  std::uint64_t row_;
  std::uint64_t plane_;
  std::uint64_t in_plane_;
};

}  // namespace ebpcx
}  // namespace ebpc::detail
