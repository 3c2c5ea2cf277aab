#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ebpc::test {

// Seeded random words: each is zero with probability zero_fraction; non-zero words are
// "ReLU-like" (small magnitudes, smooth) or uniform over W bits, alternating per call.
std::vector<std::uint32_t> random_words(std::mt19937_64& rng, std::size_t n, unsigned w, double zero_fraction,
                                        bool smooth);

// A naive MSB-first bit writer, independent of the library's BitWriter.
struct NaiveBits {
  std::string bits;
  void put(std::uint64_t v, unsigned n);
  std::vector<std::uint8_t> bytes() const;  // zero-padded to whole bytes
};

std::string read_file(const std::string& path);

}  // namespace ebpc::test
