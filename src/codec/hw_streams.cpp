// The hardware's raw stream files: W-bit words as big-endian bytes.
#include <ebpc/ebpc.hpp>

#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc {

std::vector<std::uint8_t> stream_to_hw_words(std::span<const std::uint8_t> stream, std::uint64_t padded_nbits,
                                             unsigned word_nbits) {
  const unsigned word_nbytes = (word_nbits + 7) / 8;
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(padded_nbits / word_nbits * word_nbytes));
  BitReader br(stream);
  for (std::uint64_t i = 0; i < padded_nbits / word_nbits; ++i) {
    const auto v = static_cast<std::uint32_t>(br.get(word_nbits));
    for (unsigned b = word_nbytes; b-- > 0;) {
      out.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
    }
  }
  return out;
}

Result<std::vector<std::uint8_t>> hw_words_to_stream(std::span<const std::uint8_t> bytes, unsigned word_nbits,
                                                     std::uint64_t* bad_word) {
  EBPC_CHECK(word_nbits >= k_min_word_nbits && word_nbits <= k_max_word_nbits, bad_parameter);
  const unsigned word_nbytes = (word_nbits + 7) / 8;
  EBPC_CHECK(bytes.size() % word_nbytes == 0, bad_parameter);
  const std::size_t nwords = bytes.size() / word_nbytes;
  std::vector<std::uint8_t> out(nwords * word_nbits / 8 + 16);
  BitWriter bw(out);
  for (std::size_t i = 0; i < nwords; ++i) {
    std::uint32_t v = 0;
    for (unsigned b = 0; b < word_nbytes; ++b) {
      v = (v << 8) | bytes[i * word_nbytes + b];
    }
    if (word_nbits < 32 && (v >> word_nbits) != 0) {
      if (bad_word != nullptr) {
        *bad_word = i;
      }
      return tl::unexpected(Error::corrupt);
    }
    bw.put(v, word_nbits);
  }
  out.resize(bw.finish(8));
  return out;
}

}  // namespace ebpc
