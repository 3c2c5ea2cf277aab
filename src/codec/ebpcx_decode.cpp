// The EBPC-X decoder (docs/ebpcx.md "The ebpcx stream"), in the decoder-only library. The
// word count comes from the caller; the header's sizes are checked against the input before
// use. Each word costs at most 10 range-coder bins and 3 raw reads, so the work is bounded
// by the caller's word count; a stream that ends early, or a value outside W bits, is an
// error, never a read past the input.
#include <cstring>

#include "codec/ebpcx.hpp"
#include "codec/words.hpp"

namespace ebpc::detail {

namespace {

using namespace ebpcx;

// Past the end of its stream it reads zeros (counted, so that a cut stream is detected).
class RangeDecoder {
 public:
  explicit RangeDecoder(std::span<const std::uint8_t> data) noexcept : data_(data.data()), size_(data.size()) {
    for (int i = 0; i < 4; ++i) {
      code_ = (code_ << 8) | next_byte();
    }
  }

  unsigned decode(std::uint16_t& p) noexcept {
    const std::uint32_t bound = (range_ >> k_prob_nbits) * p;
    unsigned bin = 0;
    if (code_ < bound) {
      range_ = bound;
      p = static_cast<std::uint16_t>(p + ((k_prob_one - p) >> k_update_shift));
    } else {
      code_ -= bound;
      range_ -= bound;
      bin = 1;
      p = static_cast<std::uint16_t>(p - (p >> k_update_shift));
    }
    if (range_ < k_range_top) {  // one byte always suffices (ebpcx.hpp, updated)
      range_ <<= 8;
      code_ = (code_ << 8) | next_byte();
    }
    return bin;
  }

  bool overread() const noexcept { return pos_ > size_ + k_max_overread_nbytes; }

 private:
  std::uint32_t next_byte() noexcept {
    const std::uint32_t b = pos_ < size_ ? data_[pos_] : 0u;
    ++pos_;
    return b;
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::uint32_t range_ = 0xFFFFFFFFu;
  std::uint32_t code_ = 0;
};

// MSB-first reader of the raw stream; reading past its end fails.
class RawReader {
 public:
  explicit RawReader(std::span<const std::uint8_t> bytes) noexcept
      : data_(bytes.data()), nbytes_(bytes.size()), nbits_(8 * std::uint64_t{bytes.size()}) {}

  // n <= 32.
  bool get(unsigned n, std::uint32_t& value) noexcept {
    if (n > nbits_ - pos_) {
      return false;
    }
    if (n == 0) {
      value = 0;
      return true;
    }
    const std::size_t byte = static_cast<std::size_t>(pos_ >> 3);
    std::uint64_t window = 0;
    if (byte + 8 <= nbytes_) {
      std::uint64_t be;
      std::memcpy(&be, data_ + byte, 8);
      window = __builtin_bswap64(be);
    } else {
      for (std::size_t k = 0; k < 8; ++k) {
        window = (window << 8) | (byte + k < nbytes_ ? data_[byte + k] : 0u);
      }
    }
    // n + (pos & 7) <= 39 bits of the 64-bit window
    value = static_cast<std::uint32_t>((window << (pos_ & 7)) >> (64 - n));
    pos_ += n;
    return true;
  }
  // Leading zero bits, then the one: the count (at most max_zeros).
  bool zeros_then_one(unsigned max_zeros, unsigned& zeros) noexcept {
    zeros = 0;
    std::uint32_t b = 0;
    while (true) {
      if (!get(1, b)) {
        return false;
      }
      if (b != 0) {
        return true;
      }
      if (++zeros > max_zeros) {
        return false;
      }
    }
  }
  std::uint64_t pos() const noexcept { return pos_; }
  std::uint64_t nbits() const noexcept { return nbits_; }
  // The padding after the last bit read: zero bits up to the end of its byte, then nothing.
  bool ends_cleanly() const noexcept {
    if ((pos_ + 7) / 8 != nbytes_) {
      return false;
    }
    if ((pos_ & 7) == 0) {
      return true;
    }
    return (data_[nbytes_ - 1] & (0xFFu >> (pos_ & 7))) == 0;
  }

 private:
  const std::uint8_t* data_;
  std::size_t nbytes_;
  std::uint64_t nbits_;
  std::uint64_t pos_ = 0;
};

bool get_varint(std::span<const std::uint8_t> in, std::size_t& at, std::uint64_t& v) noexcept {
  v = 0;
  for (unsigned k = 0; k < k_max_varint_nbytes; ++k) {
    if (at >= in.size()) {
      return false;
    }
    const std::uint8_t b = in[at++];
    const std::uint64_t bits = b & 0x7Fu;
    if (k == 9 && bits > 1) {
      return false;  // above 64 bits
    }
    v |= bits << (7 * k);
    if ((b & 0x80) == 0) {
      return true;
    }
  }
  return false;
}

enum class HeaderStatus { ok, truncated, corrupt };

HeaderStatus parse_header(std::span<const std::uint8_t> in, unsigned word_nbits, StreamHeader& h,
                          std::size_t& header_nbytes) noexcept {
  if (in.size() < k_fixed_header_nbytes) {
    return HeaderStatus::truncated;
  }
  const std::uint8_t flags = in[0];
  if ((flags & ~(k_flag_format_mask | k_flag_signed)) != 0 || (flags & k_flag_format_mask) == 3) {
    return HeaderStatus::corrupt;
  }
  h.format = static_cast<WordFormat>(flags & k_flag_format_mask);
  h.is_signed = (flags & k_flag_signed) != 0;
  h.word_nbits = in[1];
  if (h.word_nbits != word_nbits || (h.format != WordFormat::fixed && h.word_nbits != 16)) {
    return HeaderStatus::corrupt;
  }
  h.base = unsigned{in[2]} + 1;
  if (h.base >= class_count(h.format, h.word_nbits)) {
    return HeaderStatus::corrupt;
  }
  std::size_t at = k_fixed_header_nbytes;
  for (std::uint64_t* field : {&h.row_nwords, &h.plane_nwords, &h.phase_nwords, &h.range_nbytes}) {
    const std::size_t before = at;
    if (!get_varint(in, at, *field)) {
      // cut inside the varint, or a varint that never ends
      return at >= in.size() && at - before < k_max_varint_nbytes ? HeaderStatus::truncated : HeaderStatus::corrupt;
    }
  }
  if (!geometry_ok(h.row_nwords, h.plane_nwords, h.phase_nwords)) {
    return HeaderStatus::corrupt;
  }
  if (h.range_nbytes > in.size() - at) {
    return HeaderStatus::truncated;
  }
  header_nbytes = at;
  return HeaderStatus::ok;
}

template <class Word>
Result<void> decode_words(std::span<const std::uint8_t> in, const StreamHeader& h, std::span<Word> words) {
  const auto range = in.first(static_cast<std::size_t>(h.range_nbytes));
  RangeDecoder rd(range);
  RawReader raw(in.subspan(static_cast<std::size_t>(h.range_nbytes)));
  const WordFormat f = h.format;
  const unsigned w = h.word_nbits;
  const unsigned nclasses = class_count(f, w);
  const unsigned base = h.base;
  const bool is_signed = h.is_signed;
  const std::uint64_t row = h.row_nwords;
  const std::uint64_t plane = h.plane_nwords;
  const unsigned fm = f == WordFormat::fixed ? 0 : float_mant_nbits(f);
  const std::uint64_t fixed_limit = std::uint64_t{1} << (w - 1);  // |v| <= 2^(W-1), = only when negative
  Probs probs;
  probs.fill(k_prob_half);
  Position pos(row, plane, h.phase_nwords);
  unsigned left = 0;
  const std::size_t n = words.size();
  for (std::size_t i = 0; i < n; ++i) {
    const bool above = pos.has_above(i) && words[i - row] != 0;
    const bool prev = pos.has_prev(i) && words[i - plane] != 0;
    pos.next();
    const unsigned zs = k_st_zero + (left != 0 ? 1u : 0u) + (above ? 2u : 0u) + (prev ? 4u : 0u);
    unsigned cls = 0;
    std::uint32_t word = 0;
    if (rd.decode(probs[zs]) != 0) {
      const unsigned lb = left_bucket(left, base);
      std::int64_t s = base;
      if (rd.decode(probs[k_st_eq + lb]) != 0) {
        const unsigned dir = rd.decode(probs[k_st_gt + lb]);
        const unsigned st = k_st_unary + dir * k_unary_nbins;
        std::uint64_t mag = 0;
        while (mag < k_unary_nbins && rd.decode(probs[st + mag]) != 0) {
          ++mag;
        }
        if (mag == k_unary_nbins) {
          unsigned z = 0;
          if (!raw.zeros_then_one(k_max_escape_zeros, z)) {
            return tl::unexpected(raw.pos() >= raw.nbits() ? Error::truncated : Error::corrupt);
          }
          std::uint32_t v = 0;
          EBPC_CHECK(raw.get(z, v), truncated);
          const std::uint64_t e = (std::uint64_t{1} << z) | v;
          mag += e - 1;
        }
        const auto step = static_cast<std::int64_t>(mag + 1);
        s = dir != 0 ? s + step : s - step;
      }
      EBPC_CHECK(s >= 1 && s < static_cast<std::int64_t>(nclasses), corrupt);
      cls = static_cast<unsigned>(s);
      const unsigned m = f == WordFormat::fixed ? cls - 1 : fm;
      std::uint32_t top = 0;
      if (m > 0) {
        top = rd.decode(probs[mant_state(static_cast<int>(cls) - static_cast<int>(base))]);
      }
      std::uint32_t sign = 0;
      EBPC_CHECK(!is_signed || raw.get(1, sign), truncated);
      std::uint32_t rest = 0;
      EBPC_CHECK(m <= 1 || raw.get(m - 1, rest), truncated);
      const std::uint64_t mant = m > 0 ? (std::uint64_t{top} << (m - 1)) | rest : 0;
      if (f == WordFormat::fixed) {
        const std::uint64_t a = (std::uint64_t{1} << (cls - 1)) + mant;
        EBPC_CHECK(a < fixed_limit || (a == fixed_limit && sign != 0), corrupt);
        const std::uint64_t pattern = sign != 0 ? (~a + 1) : a;
        word = static_cast<std::uint32_t>(pattern & low_mask64(w));
      } else {
        word = static_cast<std::uint32_t>((std::uint64_t{sign} << 15) | (std::uint64_t{cls - 1} << fm) | mant);
      }
    }
    EBPC_CHECK(!rd.overread(), truncated);
    words[i] = static_cast<Word>(word);
    left = cls;
  }
  EBPC_CHECK(raw.ends_cleanly(), corrupt);
  return {};
}

}  // namespace

std::size_t ebpcx_bound_nbytes(std::size_t nwords, const CodecParams&) {
  // Each bin renormalises at most one byte (10 bins per word), the flush adds 4; a word has
  // at most 1 + 31 + 9 raw bits.
  return k_max_header_nbytes + 4 + 10 * nwords + (41 * nwords + 7) / 8;
}

Result<void> ebpcx_check_params(const CodecParams& p) noexcept {
  switch (p.word_format) {
    case WordFormat::fixed:
      EBPC_CHECK(p.word_nbits >= 2 && p.word_nbits <= 32, bad_parameter);
      break;
    case WordFormat::float16:
    case WordFormat::bfloat16:
      EBPC_CHECK(p.word_nbits == 16, bad_parameter);
      break;
    default:
      return tl::unexpected(Error::bad_parameter);
  }
  EBPC_CHECK(p.level == 0 && p.lanes == 1, bad_parameter);
  return {};
}

Result<void> ebpcx_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                          std::span<std::uint8_t> words_out) {
  EBPC_CHECK(p.elem_nbytes == 1 || p.elem_nbytes == 2 || p.elem_nbytes == 4, bad_parameter);
  EBPC_CHECK(p.word_nbits >= 2 && p.word_nbits <= 32 && p.word_nbits <= 8 * p.elem_nbytes, bad_parameter);
  StreamHeader h;
  std::size_t header_nbytes = 0;
  switch (parse_header(in, p.word_nbits, h, header_nbytes)) {
    case HeaderStatus::truncated:
      return tl::unexpected(Error::truncated);
    case HeaderStatus::corrupt:
      return tl::unexpected(Error::corrupt);
    case HeaderStatus::ok:
      break;
  }
  const auto body = in.subspan(header_nbytes);
  return with_word_type(p.elem_nbytes, [&](auto tag) -> Result<void> {
    using Word = decltype(tag);
    auto typed = as_words<Word>(words_out);
    EBPC_CHECK(typed.has_value(), bad_parameter);
    return decode_words<Word>(body, h, *typed);
  });
}

}  // namespace ebpc::detail
