// Slow reference EBPC coder, written straight from the stream format (docs/stream-format.md)
// with bits as strings of '0'/'1'. Used only as a test oracle for the production coder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ebpc::reference {

struct Streams {
  std::string znz_bits;  // unpadded
  std::string bpc_bits;  // unpadded
};

// values: W-bit two's-complement patterns (0 <= value < 2^W).
Streams encode(const std::vector<std::uint64_t>& values, unsigned w, unsigned b, unsigned z);

// Returns nullopt for any stream that does not decode to exactly n words.
std::optional<std::vector<std::uint64_t>> decode(const std::string& znz_bits, const std::string& bpc_bits,
                                                 std::size_t n, unsigned w, unsigned b, unsigned z);

// Pads a bit string with '0' to a multiple of w and packs it MSB-first into bytes.
std::vector<std::uint8_t> pack_padded(const std::string& bits, unsigned w);

}  // namespace ebpc::reference
