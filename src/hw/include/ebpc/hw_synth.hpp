// Synthetic inputs for the hardware model: the data behind docs/hardware.md's words/cycle table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ebpc::hw {

// "ReLU-like" words: each word is zero with probability zero_fraction, independently;
// otherwise it is round(|x|) with x ~ Normal(0, sigma), sigma = 2^(W-4) (16 for W = 8),
// clamped to [1, 2^(W-1) - 1]. The generator is splitmix64 + Box-Muller, so the words are
// the same on every platform for a given seed (up to the last ulp of libm's log/cos).
std::vector<std::uint32_t> relu_like_words(std::size_t nwords, unsigned word_nbits, double zero_fraction,
                                           std::uint64_t seed);

}  // namespace ebpc::hw
