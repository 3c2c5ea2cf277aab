#include <ebpc/hw_synth.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "hw/hw_common.hpp"

namespace ebpc::hw {

std::vector<std::uint32_t> relu_like_words(std::size_t nwords, unsigned word_nbits, double zero_fraction,
                                           std::uint64_t seed) {
  detail::Coin rng(seed, 0x5eed);
  auto uniform = [&rng] { return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53; };  // (0, 1)
  const double sigma = std::ldexp(1.0, static_cast<int>(word_nbits) - 4);
  const double max_value = std::ldexp(1.0, static_cast<int>(word_nbits) - 1) - 1.0;
  std::vector<std::uint32_t> words(nwords, 0);
  for (auto& word : words) {
    if (uniform() < zero_fraction) {
      continue;
    }
    const double x = sigma * std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
    const double v = std::clamp(std::round(std::fabs(x)), 1.0, max_value);
    word = static_cast<std::uint32_t>(v);
  }
  return words;
}

}  // namespace ebpc::hw
