// The EBPC-X encoder model: one chunk, one word at a time (docs/ebpcx.md, "The adaptive
// binary arithmetic coder (ABAC)"), bit-exact with bench/ebpcx_study.py abac_encode:
//   header      sign flag + base (the most frequent nonzero class; a pre-pass over the chunk);
//   per word    zero flag (8 states by left / above / previous-channel nonzero), then for a
//               nonzero word: class == base (4 states by the left bucket), class > base (4),
//               unary |class - base| - 1 in at most 6 bins (12 states), an Exp-Golomb escape
//               in the raw stream beyond, and the top bit below the leading one (9 states by
//               clamp(class - base, -4, 4)); sign and the other mantissa bits raw;
//   range coder the study's RangeEncoder (LZMA-style: 33-bit low, 32-bit range, a cached
//               byte and a count of pending 0xFF bytes for the carry, byte renormalisation).
#include <cassert>
#include <cstdint>

#include "hw/ebpcx_common.hpp"
#include <ebpc/hw_ebpcx.hpp>

namespace ebpc::hw {

namespace {

using namespace detail::ebpcx;

// MSB-first bit packer of the raw stream (the hardware's raw packer; bit order as the
// study's BitWriter).
class RawWriter {
 public:
  void put(std::uint64_t value, unsigned nbits) {
    for (unsigned i = nbits; i-- > 0;) {
      if ((nbit_ & 7) == 0) {
        bytes_.push_back(0);
      }
      if (((value >> i) & 1u) != 0) {
        bytes_.back() = static_cast<std::uint8_t>(bytes_.back() | (0x80u >> (nbit_ & 7)));
      }
      ++nbit_;
    }
  }
  std::uint64_t nbits() const noexcept { return nbit_; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<std::uint8_t> bytes_;
  std::uint64_t nbit_ = 0;
};

// The study's RangeEncoder, register by register.
class RangeEncoder {
 public:
  explicit RangeEncoder(EbpcxRangeTrace& trace) : trace_(trace) {}

  void encode(std::uint16_t& p, unsigned bin) {
    const std::uint32_t bound = bound_of(range_, p);
    if (bin != 0) {
      low_ += bound;
      range_ -= bound;
    } else {
      range_ = bound;
    }
    p = updated(p, bin);
    trace_.max_low = std::max(trace_.max_low, low_);
    unsigned nshifts = 0;
    while (range_ < k_range_top) {
      range_ <<= 8;
      const std::uint32_t out = shift_low();
      trace_.shift_bins.push_back(nbins_);
      trace_.shift_out_nbytes.push_back(out);
      ++nshifts;
    }
    trace_.max_shifts_per_bin = std::max(trace_.max_shifts_per_bin, nshifts);
    ++nbins_;
  }

  // Five shifts push the last bytes of low out; the first byte ever written (the initial
  // cache, 0) is dropped, as the study's finish() does.
  std::vector<std::uint8_t> finish() {
    std::uint32_t out = 0;
    for (unsigned i = 0; i < k_flush_nshifts; ++i) {
      out += shift_low();
    }
    trace_.flush_out_nbytes = out;
    assert(!out_.empty() && out_.front() == 0);
    out_.erase(out_.begin());
    return std::move(out_);
  }

  std::uint32_t nbins() const noexcept { return nbins_; }

 private:
  // Returns the bytes this shift puts out (not counting the dropped first byte).
  std::uint32_t shift_low() {
    std::uint32_t written = 0;
    if (low_ < 0xFF000000u || low_ >= (std::uint64_t{1} << 32)) {
      const auto carry = static_cast<std::uint8_t>(low_ >> 32);
      std::uint8_t b = cache_;
      do {
        out_.push_back(static_cast<std::uint8_t>(b + carry));
        written += out_.size() > 1 ? 1u : 0u;  // the first byte (always 0) is dropped, never written
        b = 0xFF;
      } while (--cache_size_ != 0);
      cache_ = static_cast<std::uint8_t>((low_ >> 24) & 0xFF);
    }
    ++cache_size_;
    trace_.max_pending_nbytes = std::max(trace_.max_pending_nbytes, cache_size_ - 1);
    low_ = (low_ << 8) & 0xFFFFFFFFu;
    return written;
  }

  EbpcxRangeTrace& trace_;
  std::uint64_t low_ = 0;            // 33 bits
  std::uint32_t range_ = 0xFFFFFFFFu;  // 32 bits
  std::uint8_t cache_ = 0;           // the byte held back for a carry
  std::uint64_t cache_size_ = 1;     // 1 + the pending 0xFF bytes behind the cache
  std::vector<std::uint8_t> out_;
  std::uint32_t nbins_ = 0;
};

}  // namespace

Result<EbpcxEncodeReport> ebpcx_encode(std::span<const std::uint32_t> words, const EbpcxShape& shape,
                                       const EbpcxParams& params, std::uint64_t origin) {
  if (!validate(params) || shape.nwords() == 0 || origin > shape.nwords() ||
      words.size() > shape.nwords() - origin) {
    return tl::unexpected(Error::bad_parameter);
  }
  const unsigned nclasses = ebpcx_class_count(params);
  const std::uint64_t word_mask = low_mask64(params.word_nbits);
  // The header's pre-pass: the histogram of nonzero classes and the sign flag.
  std::vector<std::uint64_t> hist(nclasses, 0);
  bool is_signed = false;
  for (const std::uint32_t w : words) {
    if ((w & ~word_mask) != 0) {
      return tl::unexpected(Error::bad_parameter);
    }
    const WordClass c = classify(w, params);
    if (c.cls != 0) {
      ++hist[c.cls];
      is_signed = is_signed || c.sign != 0;
    }
  }
  unsigned base = 1;  // numpy argmax: the first of equal maxima; 1 when no word is nonzero
  for (unsigned s = 1; s < nclasses; ++s) {
    if (hist[s] > hist[base]) {
      base = s;
    }
  }

  EbpcxEncodeReport rep;
  rep.bins_per_word.resize(words.size());
  rep.raw_nbits_per_word.resize(words.size());
  Probs probs = initial_probs();
  RangeEncoder rc(rep.range);
  RawWriter raw;
  ContextBuffers ctx(shape, origin);
  unsigned left = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::uint64_t pos = origin + i;
    const WordClass c = classify(words[i], params);
    const std::uint32_t bins_before = rc.nbins();
    const std::uint64_t raw_before = raw.nbits();
    if (rc.nbins() > 0xFFFFFFFFu - k_ebpcx_max_bins_per_word) {
      return tl::unexpected(Error::bad_parameter);
    }
    rc.encode(probs[ctx.zero_state(pos, left)], c.cls != 0 ? 1 : 0);
    if (c.cls != 0) {
      ++rep.nonzero_nwords;
      const unsigned lb = left_bucket(left, base);
      const int d = static_cast<int>(c.cls) - static_cast<int>(base);
      rc.encode(probs[k_st_eq + lb], d != 0 ? 1 : 0);
      if (d != 0) {
        rc.encode(probs[k_st_gt + lb], d > 0 ? 1 : 0);
        const unsigned mag = static_cast<unsigned>(d > 0 ? d : -d) - 1;
        const unsigned dir = d > 0 ? 1 : 0;
        for (unsigned j = 0; j < k_ebpcx_unary_nbins && j <= mag; ++j) {
          rc.encode(probs[k_st_unary + dir * k_ebpcx_unary_nbins + j], mag > j ? 1 : 0);
        }
        if (mag >= k_ebpcx_unary_nbins) {
          // order-0 Exp-Golomb of e = mag - 5 >= 1: nb - 1 zeros, then e in nb bits
          const std::uint64_t e = mag - k_ebpcx_unary_nbins + 1;
          unsigned nb = 0;
          while ((e >> nb) != 0) {
            ++nb;
          }
          raw.put(0, nb - 1);
          raw.put(e, nb);
        }
      }
      if (c.mant_nbits > 0) {
        rc.encode(probs[mant_state(d)], (c.mant >> (c.mant_nbits - 1)) & 1u);
      }
      if (is_signed) {
        raw.put(c.sign, 1);
      }
      if (c.mant_nbits > 1) {
        raw.put(c.mant & low_mask64(c.mant_nbits - 1), c.mant_nbits - 1);
      }
    }
    ctx.store(pos, c.cls != 0);
    left = c.cls;
    rep.bins_per_word[i] = static_cast<std::uint8_t>(rc.nbins() - bins_before);
    rep.raw_nbits_per_word[i] = static_cast<std::uint8_t>(raw.nbits() - raw_before);
  }
  rep.streams.range_bytes = rc.finish();
  rep.streams.raw_nbits = raw.nbits();
  rep.streams.raw_bytes = raw.take();
  rep.streams.base_class = base;
  rep.streams.is_signed = is_signed;
  rep.streams.header_nbits = detail::ebpcx::header_nbits(params);
  return rep;
}

}  // namespace ebpc::hw
