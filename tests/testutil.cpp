#include "testutil.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ebpc::test {

std::vector<std::uint32_t> random_words(std::mt19937_64& rng, std::size_t n, unsigned w, double zero_fraction,
                                        bool smooth) {
  std::vector<std::uint32_t> out(n);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const std::uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1;
  std::int64_t prev = 1;
  for (auto& x : out) {
    if (u01(rng) < zero_fraction) {
      x = 0;
      continue;
    }
    std::uint64_t v;
    do {
      if (smooth) {
        // random walk with occasional jumps, within the signed W-bit range
        const std::int64_t lim = (std::int64_t{1} << (w - 1)) - 1;
        std::int64_t step = static_cast<std::int64_t>(rng() % 9) - 4;
        if (rng() % 16 == 0) {
          step = static_cast<std::int64_t>(rng() % (2 * static_cast<std::uint64_t>(lim) + 1)) - lim;
        }
        prev = std::clamp<std::int64_t>(prev + step, -lim - 1, lim);
        v = static_cast<std::uint64_t>(prev) & mask;
      } else {
        v = rng() & mask;
      }
    } while (v == 0);
    x = static_cast<std::uint32_t>(v);
  }
  return out;
}

void NaiveBits::put(std::uint64_t v, unsigned n) {
  for (unsigned i = n; i-- > 0;) {
    bits.push_back(((v >> i) & 1) != 0 ? '1' : '0');
  }
}

std::vector<std::uint8_t> NaiveBits::bytes() const {
  std::vector<std::uint8_t> out((bits.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == '1') {
      out[i / 8] = static_cast<std::uint8_t>(out[i / 8] | (0x80u >> (i % 8)));
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace ebpc::test
