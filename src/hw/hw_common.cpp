// Parameter checks, the cycle bound and the word/byte conversions of the hardware model.
#include <algorithm>
#include <cmath>

#include "hw/hw_common.hpp"
#include <ebpc/hw.hpp>

namespace ebpc::hw {

Result<void> validate(const HwConfig& config) noexcept {
  const unsigned w = config.word_nbits;
  const unsigned b = config.block_nwords;
  const bool shape_ok = (w == 8 || w == 16) && (b == 8 || b == 16) && b <= w;
  const bool ready_ok = config.out_ready_probability > 0.0 && config.out_ready_probability <= 1.0;
  const bool bubble_ok = config.in_bubble_probability >= 0.0 && config.in_bubble_probability < 1.0;
  if (!shape_ok || !ready_ok || !bubble_ok) {
    return tl::unexpected(Error::bad_parameter);
  }
  return {};
}

std::vector<std::uint32_t> words_from_msb_bytes(std::span<const std::uint8_t> bytes, unsigned word_nbits) {
  std::vector<std::uint32_t> words;
  const std::uint64_t total_nbits = std::uint64_t{bytes.size()} * 8;
  const std::uint64_t nwords = word_nbits == 0 ? 0 : total_nbits / word_nbits;
  words.reserve(static_cast<std::size_t>(nwords));
  std::uint64_t bit = 0;
  for (std::uint64_t i = 0; i < nwords; ++i) {
    std::uint32_t word = 0;
    for (unsigned k = 0; k < word_nbits; ++k, ++bit) {
      const std::uint8_t byte = bytes[static_cast<std::size_t>(bit / 8)];
      const auto b = static_cast<std::uint32_t>((byte >> (7 - bit % 8)) & 1u);
      word = (word << 1) | b;
    }
    words.push_back(word);
  }
  return words;
}

std::vector<std::uint8_t> msb_bytes_from_words(std::span<const std::uint32_t> words, unsigned word_nbits) {
  const std::uint64_t total_nbits = std::uint64_t{words.size()} * word_nbits;
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>((total_nbits + 7) / 8), 0);
  std::uint64_t bit = 0;
  for (const std::uint32_t word : words) {
    for (unsigned k = word_nbits; k-- > 0; ++bit) {
      if (((word >> k) & 1u) != 0) {
        bytes[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
      }
    }
  }
  return bytes;
}

namespace detail {

std::uint64_t default_max_ncycles(std::uint64_t nitems, unsigned word_nbits, double out_ready_probability,
                                  double in_bubble_probability) noexcept {
  const double base = (static_cast<double>(nitems) + 64.0) * 8.0 * static_cast<double>(word_nbits);
  const double stretch = 1.0 / std::max(out_ready_probability, 1e-9) / std::max(1.0 - in_bubble_probability, 1e-9);
  const double bound = std::min(base * stretch * 4.0 + 4096.0, 1e18);
  return static_cast<std::uint64_t>(bound);
}

}  // namespace detail

Outcome<HwRoundTrip> hw_round_trip(std::span<const std::uint32_t> words, const HwConfig& config, bool retry_with_fix) {
  if (words.empty() || words.size() > k_max_hw_nwords) {
    return tl::unexpected(Failure{Error::bad_parameter, "the hardware carries 1..2^24 words per transmission, not " +
                                                            std::to_string(words.size())});
  }
  HwRoundTrip rt;
  HwConfig hc = config;
  auto e = hw_encode(words, hc);
  if (!e && e.error() == Error::hardware_hang && retry_with_fix && !hc.fix_last_bpc_hang) {
    rt.rtl_hang = true;
    hc.fix_last_bpc_hang = true;
    e = hw_encode(words, hc);
  }
  if (!e) {
    return tl::unexpected(failure(e.error(), "encoder model"));
  }
  auto d = hw_decode(e->znz_words, e->bpc_words, words.size(), hc);
  if (!d) {
    return tl::unexpected(failure(d.error(), "decoder model"));
  }
  if (!std::equal(d->words.begin(), d->words.end(), words.begin(), words.end())) {
    return tl::unexpected(Failure{Error::corrupt, "the decoder model did not return the input (a model bug)"});
  }
  rt.enc = std::move(*e);
  rt.dec = std::move(*d);
  return rt;
}

}  // namespace ebpc::hw
