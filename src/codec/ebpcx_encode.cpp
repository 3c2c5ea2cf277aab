// The EBPC-X encoder (docs/ebpcx.md "The ebpcx stream"): a histogram pass for the header
// (base = the most frequent nonzero class, the sign flag), then one pass that codes each
// word's bins with the range coder and its bypass bits into the raw stream.
#include <bit>
#include <cstring>
#include <vector>

#include "codec/ebpcx.hpp"
#include "codec/words.hpp"

namespace ebpc::detail {

namespace {

using namespace ebpcx;

struct WordClass {
  unsigned cls = 0;
  unsigned sign = 0;
  std::uint32_t mant = 0;
  unsigned mant_nbits = 0;
};

inline WordClass classify(std::uint32_t word, WordFormat f, unsigned w) noexcept {
  WordClass c;
  if (f == WordFormat::fixed) {
    const std::int64_t v = sign_extend(word, w);
    const auto a = static_cast<std::uint64_t>(v < 0 ? -v : v);
    if (a == 0) {
      return c;
    }
    const auto len = static_cast<unsigned>(std::bit_width(a));
    c.cls = len;
    c.sign = v < 0 ? 1u : 0u;
    c.mant_nbits = len - 1;
    c.mant = static_cast<std::uint32_t>(a - (std::uint64_t{1} << (len - 1)));
    return c;
  }
  const unsigned m = float_mant_nbits(f);
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

// MSB-first bit packer of the raw stream.
class RawWriter {
 public:
  explicit RawWriter(std::vector<std::uint8_t>& bytes) : bytes_(bytes) { bytes_.clear(); }
  void put(std::uint32_t value, unsigned nbits) {  // nbits <= 32
    acc_ = (acc_ << nbits) | value;
    nacc_ += nbits;
    while (nacc_ >= 8) {
      nacc_ -= 8;
      bytes_.push_back(static_cast<std::uint8_t>(acc_ >> nacc_));
    }
  }
  void finish() {
    if (nacc_ > 0) {
      bytes_.push_back(static_cast<std::uint8_t>(acc_ << (8 - nacc_)));
      nacc_ = 0;
    }
  }

 private:
  std::vector<std::uint8_t>& bytes_;
  std::uint64_t acc_ = 0;  // the low nacc_ bits are pending
  unsigned nacc_ = 0;
};

// 33-bit low, 32-bit range, one cached byte and a count of pending 0xFF bytes for the carry.
// The first byte it would write (the initial cache, always 0) is not written.
class RangeEncoder {
 public:
  explicit RangeEncoder(std::uint8_t* out) : out_(out) {}

  void encode(std::uint16_t& p, unsigned bin) {
    const std::uint32_t bound = (range_ >> k_prob_nbits) * p;
    if (bin != 0) {
      low_ += bound;
      range_ -= bound;
    } else {
      range_ = bound;
    }
    p = updated(p, bin);
    if (range_ < k_range_top) {
      range_ <<= 8;
      shift_low();
    }
  }

  std::size_t finish() {
    for (int i = 0; i < 5; ++i) {
      shift_low();
    }
    return n_;
  }

 private:
  void shift_low() {
    if (low_ < 0xFF000000u || low_ >= (std::uint64_t{1} << 32)) {
      const auto carry = static_cast<std::uint8_t>(low_ >> 32);
      std::uint8_t b = cache_;
      do {
        if (started_) {
          out_[n_++] = static_cast<std::uint8_t>(b + carry);
        }
        started_ = true;
        b = 0xFF;
      } while (--cache_size_ != 0);
      cache_ = static_cast<std::uint8_t>((low_ >> 24) & 0xFF);
    }
    ++cache_size_;
    low_ = (low_ << 8) & 0xFFFFFFFFu;
  }

  std::uint8_t* out_;
  std::size_t n_ = 0;
  std::uint64_t low_ = 0;
  std::uint32_t range_ = 0xFFFFFFFFu;
  std::uint8_t cache_ = 0;
  std::uint64_t cache_size_ = 1;
  bool started_ = false;
};

std::size_t put_varint(std::uint8_t* p, std::uint64_t v) noexcept {
  std::size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<std::uint8_t>(v);
  return n;
}

template <class Word>
Result<CodedSize> encode_words(std::span<const Word> words, const CodecParams& p, std::span<std::uint8_t> out) {
  const WordFormat f = p.word_format;
  const unsigned w = p.word_nbits;
  const unsigned nclasses = class_count(f, w);
  const std::uint64_t mask = low_mask64(w);
  std::array<std::uint64_t, 257> hist{};
  bool is_signed = false;
  for (const Word x : words) {
    EBPC_CHECK((x & ~mask) == 0, bad_parameter);
    const WordClass c = classify(x, f, w);
    ++hist[c.cls];
    is_signed = is_signed || (c.cls != 0 && c.sign != 0);
  }
  unsigned base = 1;  // the first of equal maxima; 1 when no word is nonzero
  for (unsigned s = 2; s < nclasses; ++s) {
    base = hist[s] > hist[base] ? s : base;
  }

  // Geometry: the buffer's first word's place in its plane (or row).
  const std::uint64_t row = p.row_nwords;
  const std::uint64_t plane = p.plane_nwords;
  const std::uint64_t period = plane != 0 ? plane : row;
  const std::uint64_t phase = period != 0 ? p.first_word_index % period : 0;

  std::uint8_t header[k_max_header_nbytes];
  header[0] = static_cast<std::uint8_t>(static_cast<unsigned>(f) | (is_signed ? k_flag_signed : 0u));
  header[1] = static_cast<std::uint8_t>(w);
  header[2] = static_cast<std::uint8_t>(base - 1);
  std::size_t hn = k_fixed_header_nbytes;
  hn += put_varint(header + hn, row);
  hn += put_varint(header + hn, plane);
  hn += put_varint(header + hn, phase);

  // The range bytes go after room for the largest header; moved down at the end.
  std::uint8_t* range_out = out.data() + k_max_header_nbytes;
  RangeEncoder rc(range_out);
  thread_local std::vector<std::uint8_t> raw_bytes;
  raw_bytes.reserve(words.size() / 2 + 16);
  RawWriter raw(raw_bytes);
  Probs probs;
  probs.fill(k_prob_half);
  Position pos(row, plane, phase);
  unsigned left = 0;
  const std::size_t n = words.size();
  for (std::size_t i = 0; i < n; ++i) {
    const WordClass c = classify(words[i], f, w);
    const bool above = pos.has_above(i) && words[i - row] != 0;
    const bool prev = pos.has_prev(i) && words[i - plane] != 0;
    pos.next();
    const unsigned zs = k_st_zero + (left != 0 ? 1u : 0u) + (above ? 2u : 0u) + (prev ? 4u : 0u);
    rc.encode(probs[zs], c.cls != 0 ? 1 : 0);
    if (c.cls != 0) {
      const unsigned lb = left_bucket(left, base);
      const int d = static_cast<int>(c.cls) - static_cast<int>(base);
      rc.encode(probs[k_st_eq + lb], d != 0 ? 1 : 0);
      if (d != 0) {
        rc.encode(probs[k_st_gt + lb], d > 0 ? 1 : 0);
        const unsigned mag = static_cast<unsigned>(d > 0 ? d : -d) - 1;
        const unsigned st = k_st_unary + (d > 0 ? k_unary_nbins : 0u);
        for (unsigned j = 0; j < k_unary_nbins && j <= mag; ++j) {
          rc.encode(probs[st + j], mag > j ? 1 : 0);
        }
        if (mag >= k_unary_nbins) {
          // order-0 Exp-Golomb of e = mag - 5 >= 1: nb - 1 zeros, then e in nb bits
          const std::uint32_t e = mag - k_unary_nbins + 1;
          const auto nb = static_cast<unsigned>(std::bit_width(e));
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
        raw.put(c.mant & static_cast<std::uint32_t>(low_mask64(c.mant_nbits - 1)), c.mant_nbits - 1);
      }
    }
    left = c.cls;
  }
  const std::size_t range_nbytes = rc.finish();
  raw.finish();
  hn += put_varint(header + hn, range_nbytes);
  std::memcpy(out.data(), header, hn);
  std::memmove(out.data() + hn, range_out, range_nbytes);
  if (!raw_bytes.empty()) {
    std::memcpy(out.data() + hn + range_nbytes, raw_bytes.data(), raw_bytes.size());
  }
  CodedSize s;
  s.nbytes = hn + range_nbytes + raw_bytes.size();
  s.stream0_nbytes = s.nbytes;
  // A byte stream: its bytes are its exact size.
  s.padded_nbits = 8 * std::uint64_t{s.nbytes};
  s.exact_nbits = s.padded_nbits;
  return s;
}

}  // namespace

Result<CodedSize> ebpcx_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out) {
  EBPC_TRY(validate(p));
  EBPC_CHECK(p.id == CodecId::ebpcx, bad_parameter);
  EBPC_CHECK(geometry_ok(p.row_nwords, p.plane_nwords, 0), bad_parameter);
  EBPC_CHECK(words.size() % p.elem_nbytes == 0, bad_parameter);
  const std::size_t nwords = words.size() / p.elem_nbytes;
  EBPC_CHECK(out.size() >= ebpcx_bound_nbytes(nwords, p), output_too_small);
  return with_word_type(p.elem_nbytes, [&](auto tag) -> Result<CodedSize> {
    using Word = decltype(tag);
    auto typed = as_words<Word>(words);
    EBPC_CHECK(typed.has_value(), bad_parameter);
    return encode_words<Word>(*typed, p, out);
  });
}

}  // namespace ebpc::detail
