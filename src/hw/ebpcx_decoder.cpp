// The EBPC-X decoder model: bench/ebpcx_study.py abac_decode, one word at a time. Each
// bin's state depends on the bins decoded before it (the chain that sets the decoder's
// critical path): zero flag -> class == base -> class > base -> unary bins -> (escape from
// the raw stream) -> the top mantissa bit, whose state needs the class. The contexts are
// rebuilt from the decoded words in the same line and plane buffers as the encoder's.
#include <cstdint>

#include "hw/ebpcx_common.hpp"
#include <ebpc/hw_ebpcx.hpp>

namespace ebpc::hw {

namespace {

using namespace detail::ebpcx;

// MSB-first reader of the raw stream; running past raw_nbits is an error.
class RawReader {
 public:
  RawReader(std::span<const std::uint8_t> bytes, std::uint64_t nbits) : bytes_(bytes), nbits_(nbits) {}

  bool get(unsigned n, std::uint64_t& value) noexcept {
    if (n > nbits_ - pos_) {
      return false;
    }
    value = 0;
    for (unsigned i = 0; i < n; ++i, ++pos_) {
      const std::uint8_t byte = bytes_[static_cast<std::size_t>(pos_ >> 3)];
      value = (value << 1) | ((byte >> (7 - (pos_ & 7))) & 1u);
    }
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::uint64_t nbits_;
  std::uint64_t pos_ = 0;
};

// The study's RangeDecoder: 32-bit range and code; past the end of the stream it reads zeros.
class RangeDecoder {
 public:
  explicit RangeDecoder(std::span<const std::uint8_t> data) : data_(data) {
    for (int i = 0; i < 4; ++i) {
      code_ = (code_ << 8) | next_byte();
    }
  }

  unsigned decode(std::uint16_t& p) noexcept {
    const std::uint32_t bound = bound_of(range_, p);
    unsigned bin = 0;
    if (code_ < bound) {
      range_ = bound;
    } else {
      code_ -= bound;
      range_ -= bound;
      bin = 1;
    }
    p = updated(p, bin);
    while (range_ < k_range_top) {
      range_ <<= 8;
      code_ = (code_ << 8) | next_byte();
    }
    ++nbins_;
    return bin;
  }

  std::uint64_t nbytes_read() const noexcept { return pos_; }
  std::uint64_t overread_nbytes() const noexcept { return pos_ > data_.size() ? pos_ - data_.size() : 0; }
  std::uint32_t nbins() const noexcept { return nbins_; }

 private:
  std::uint32_t next_byte() noexcept {
    const std::uint32_t b = pos_ < data_.size() ? data_[static_cast<std::size_t>(pos_)] : 0u;
    ++pos_;
    return b;
  }

  std::span<const std::uint8_t> data_;
  std::uint64_t pos_ = 0;
  std::uint32_t range_ = 0xFFFFFFFFu;
  std::uint32_t code_ = 0;
  std::uint32_t nbins_ = 0;
};

// The range decoder may read a few bytes past the stream's end (it reads zeros there, as
// the study's decoder does); more than this means the stream was cut.
constexpr std::uint64_t k_max_overread_nbytes = 4;
constexpr unsigned k_max_escape_zeros = 32;

}  // namespace

Result<EbpcxDecodeReport> ebpcx_decode(const EbpcxStreams& streams, std::uint64_t nwords, const EbpcxShape& shape,
                                       const EbpcxParams& params, std::uint64_t origin) {
  if (!validate(params) || shape.nwords() == 0 || origin > shape.nwords() || nwords > shape.nwords() - origin ||
      streams.raw_nbits > 8 * std::uint64_t{streams.raw_bytes.size()}) {
    return tl::unexpected(Error::bad_parameter);
  }
  const unsigned nclasses = ebpcx_class_count(params);
  const unsigned base = streams.base_class;
  if (base < 1 || base >= nclasses) {
    return tl::unexpected(Error::corrupt);
  }
  const bool is_signed = streams.is_signed;
  const unsigned w = params.word_nbits;
  EbpcxDecodeReport rep;
  rep.words.resize(static_cast<std::size_t>(nwords));
  rep.bins_per_word.resize(static_cast<std::size_t>(nwords));
  Probs probs = initial_probs();
  RangeDecoder rd(streams.range_bytes);
  RawReader raw(streams.raw_bytes, streams.raw_nbits);
  ContextBuffers ctx(shape, origin);
  unsigned left = 0;
  std::uint64_t v = 0;
  for (std::uint64_t i = 0; i < nwords; ++i) {
    const std::uint64_t pos = origin + i;
    const std::uint32_t bins_before = rd.nbins();
    unsigned cls = 0;
    std::uint32_t word = 0;
    if (rd.decode(probs[ctx.zero_state(pos, left)]) != 0) {
      const unsigned lb = left_bucket(left, base);
      std::int64_t s = base;
      if (rd.decode(probs[k_st_eq + lb]) != 0) {
        const unsigned dir = rd.decode(probs[k_st_gt + lb]);
        std::uint64_t mag = 0;
        while (mag < k_ebpcx_unary_nbins && rd.decode(probs[k_st_unary + dir * k_ebpcx_unary_nbins + mag]) != 0) {
          ++mag;
        }
        if (mag == k_ebpcx_unary_nbins) {
          unsigned z = 0;
          while (true) {
            if (!raw.get(1, v)) {
              return tl::unexpected(Error::truncated);
            }
            if (v != 0) {
              break;
            }
            if (++z > k_max_escape_zeros) {
              return tl::unexpected(Error::corrupt);
            }
          }
          if (!raw.get(z, v)) {
            return tl::unexpected(Error::truncated);
          }
          const std::uint64_t e = (std::uint64_t{1} << z) | v;
          mag += e - 1;
        }
        const auto step = static_cast<std::int64_t>(mag + 1);
        s = dir != 0 ? s + step : s - step;
      }
      if (s < 1 || s >= static_cast<std::int64_t>(nclasses)) {
        return tl::unexpected(Error::corrupt);
      }
      cls = static_cast<unsigned>(s);
      const unsigned m = mant_nbits_of(cls, params);
      unsigned top = 0;
      if (m > 0) {
        top = rd.decode(probs[mant_state(static_cast<int>(cls) - static_cast<int>(base))]);
      }
      std::uint64_t sign = 0;
      if (is_signed && !raw.get(1, sign)) {
        return tl::unexpected(Error::truncated);
      }
      std::uint64_t rest = 0;
      if (m > 1 && !raw.get(m - 1, rest)) {
        return tl::unexpected(Error::truncated);
      }
      const std::uint64_t mant = m > 0 ? (std::uint64_t{top} << (m - 1)) | rest : 0;
      if (params.format == EbpcxFormat::fixed) {
        const std::uint64_t a = (std::uint64_t{1} << (cls - 1)) + mant;
        // a W-bit two's complement word holds -2^(W-1) .. 2^(W-1) - 1
        const std::uint64_t limit = std::uint64_t{1} << (w - 1);
        if (a > limit || (a == limit && sign == 0)) {
          return tl::unexpected(Error::corrupt);
        }
        const std::uint64_t pattern = sign != 0 ? (~a + 1) : a;
        word = static_cast<std::uint32_t>(pattern & low_mask64(w));
      } else {
        const unsigned fm = float_mant_nbits(params.format);
        word = static_cast<std::uint32_t>((sign << 15) | (std::uint64_t{cls - 1} << fm) | mant);
      }
    }
    if (rd.overread_nbytes() > k_max_overread_nbytes) {
      return tl::unexpected(Error::truncated);
    }
    ctx.store(pos, cls != 0);
    left = cls;
    rep.words[static_cast<std::size_t>(i)] = word;
    rep.bins_per_word[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(rd.nbins() - bins_before);
  }
  rep.range_nbytes_read = rd.nbytes_read();
  return rep;
}

}  // namespace ebpc::hw
