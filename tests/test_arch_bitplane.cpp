// The zero / non-zero split kernel of arch/bitplane.hpp against its scalar twin on seeded
// random inputs (the seed is in the failure message), with knobs for sparsity, width and
// length. The encoder's and decoder's kernels: test_arch_encode.cpp, test_arch_decode.cpp.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "arch/bitplane.hpp"

namespace {

template <class Word>
std::vector<Word> random_sparse(std::mt19937_64& rng, std::size_t n, unsigned w, double zeros) {
  std::vector<Word> v(n);
  std::bernoulli_distribution is_zero(zeros);
  const std::uint64_t mask = w >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1;
  for (auto& x : v) {
    x = is_zero(rng) ? Word{0} : static_cast<Word>(rng() & mask);
  }
  return v;
}

#if EBPC_ARCH_HAVE_SSE2
template <class Word>
void check_masks(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (unsigned w : {1u, 3u, 8u, 16u, 32u}) {
    if (w > sizeof(Word) * 8) {
      continue;
    }
    for (double zeros : {0.0, 0.3, 0.9, 1.0}) {
      const std::size_t ngroups = 1 + rng() % 9;
      const auto words = random_sparse<Word>(rng, ngroups * 64, w, zeros);
      std::vector<std::uint64_t> a(ngroups), b(ngroups);
      const std::uint64_t or_a = ebpc::arch::nonzero_masks_scalar(words.data(), ngroups, a.data());
      const std::uint64_t or_b = ebpc::arch::nonzero_masks_sse2(words.data(), ngroups, b.data());
      SCOPED_TRACE("seed=" + std::to_string(seed) + " w=" + std::to_string(w) + " zeros=" + std::to_string(zeros));
      ASSERT_EQ(a, b);
      ASSERT_EQ(or_a, or_b);
    }
  }
}

TEST(ArchBitplane, NonzeroMasksSse2MatchesScalar) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    check_masks<std::uint8_t>(seed);
    check_masks<std::uint16_t>(seed);
    check_masks<std::uint32_t>(seed);
  }
}

#endif

}  // namespace
