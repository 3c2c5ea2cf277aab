// Every src/arch kernel against its scalar twin on seeded random inputs (the seed is in
// the failure message), with knobs for sparsity, width and length; and the scalar twins
// against each other (planes -> unplanes is the identity on valid blocks).
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

// Top-aligned W-bit words of nblocks blocks: random, smooth (small deltas) or extreme.
std::vector<std::uint16_t> random_blocks(std::mt19937_64& rng, std::size_t nblocks, unsigned w, int kind) {
  std::vector<std::uint16_t> top(nblocks * 8);
  const std::uint32_t mask = (1u << w) - 1;
  std::uint32_t cur = static_cast<std::uint32_t>(rng()) & mask;
  for (auto& t : top) {
    std::uint32_t v;
    switch (kind) {
      case 0: v = static_cast<std::uint32_t>(rng()) & mask; break;
      case 1: cur = (cur + static_cast<std::uint32_t>(rng() % 5) - 2) & mask; v = cur; break;
      default: {
        const std::uint32_t picks[4] = {0, mask, 1u << (w - 1), mask >> 1};
        v = picks[rng() % 4];
        break;
      }
    }
    t = static_cast<std::uint16_t>(v << (16 - w));
  }
  return top;
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

TEST(ArchBitplane, UnplanesB8Sse2MatchesScalar) {
  std::uint64_t seed = 5000;
  const std::size_t stride = ebpc::arch::k_unplanes_stride;
  for (unsigned w = 2; w <= 16; ++w) {
    for (int kind = 0; kind < 4; ++kind) {
      for (std::size_t nblocks : {1u, 5u, 33u}) {
        SCOPED_TRACE("seed=" + std::to_string(seed) + " w=" + std::to_string(w) + " kind=" + std::to_string(kind));
        std::mt19937_64 rng(seed++);
        std::vector<std::uint8_t> recs(nblocks * stride);
        std::vector<std::uint16_t> bases(nblocks);
        if (kind < 3) {
          // Valid blocks: the planes of real words, junk after plane W.
          const auto top = random_blocks(rng, nblocks, w, kind);
          std::vector<std::uint8_t> planes(nblocks * (w + 1));
          ebpc::arch::planes_b8_scalar(top.data(), nblocks, w, planes.data());
          for (std::size_t b = 0; b < nblocks; ++b) {
            for (std::size_t k = 0; k < stride; ++k) {
              recs[b * stride + k] = k <= w ? planes[b * (w + 1) + k] : static_cast<std::uint8_t>(rng());
            }
            bases[b] = static_cast<std::uint16_t>(top[8 * b] >> (16 - w));
          }
        } else {
          // Random planes: mostly out of range, sometimes not.
          for (auto& r : recs) {
            r = static_cast<std::uint8_t>(rng() & 0x7f);
          }
          for (auto& b : bases) {
            b = static_cast<std::uint16_t>(rng() & ((1u << w) - 1));
          }
        }
        std::vector<std::uint16_t> a(nblocks * 8), b(nblocks * 8);
        const bool ok_a = ebpc::arch::unplanes_b8_scalar(recs.data(), bases.data(), nblocks, w, a.data());
        const bool ok_b = ebpc::arch::unplanes_b8_sse2(recs.data(), bases.data(), nblocks, w, b.data());
        ASSERT_EQ(ok_a, ok_b);
        if (kind < 3) {
          ASSERT_TRUE(ok_a);
        }
        if (ok_a) {
          ASSERT_EQ(a, b);
        }
      }
    }
  }
}

// One corrupted block among valid ones is found, wherever it is.
TEST(ArchBitplane, UnplanesB8Sse2FindsOneBadBlock) {
  const std::size_t stride = ebpc::arch::k_unplanes_stride;
  for (std::uint64_t seed = 9000; seed < 9060; ++seed) {
    std::mt19937_64 rng(seed);
    const unsigned w = 2 + static_cast<unsigned>(rng() % 15);
    const std::size_t nblocks = 1 + rng() % 20;
    const auto top = random_blocks(rng, nblocks, w, 0);
    std::vector<std::uint8_t> planes(nblocks * (w + 1));
    ebpc::arch::planes_b8_scalar(top.data(), nblocks, w, planes.data());
    std::vector<std::uint8_t> recs(nblocks * stride);
    std::vector<std::uint16_t> bases(nblocks);
    for (std::size_t b = 0; b < nblocks; ++b) {
      std::copy_n(planes.begin() + static_cast<std::ptrdiff_t>(b * (w + 1)), w + 1, recs.begin() + static_cast<std::ptrdiff_t>(b * stride));
      bases[b] = static_cast<std::uint16_t>(top[8 * b] >> (16 - w));
    }
    const std::size_t victim = rng() % nblocks;
    recs[victim * stride + w] ^= static_cast<std::uint8_t>(1u << (rng() % 7));  // flip one sign bit
    std::vector<std::uint16_t> a(nblocks * 8), b(nblocks * 8);
    SCOPED_TRACE("seed=" + std::to_string(seed));
    EXPECT_FALSE(ebpc::arch::unplanes_b8_scalar(recs.data(), bases.data(), nblocks, w, a.data()));
    EXPECT_FALSE(ebpc::arch::unplanes_b8_sse2(recs.data(), bases.data(), nblocks, w, b.data()));
  }
}
#endif

// The scalar twins invert each other on valid blocks (runs on every target).
TEST(ArchBitplane, ScalarPlanesThenUnplanesIsIdentity) {
  const std::size_t stride = ebpc::arch::k_unplanes_stride;
  for (std::uint64_t seed = 7000; seed < 7100; ++seed) {
    std::mt19937_64 rng(seed);
    const unsigned w = 2 + static_cast<unsigned>(rng() % 15);
    const std::size_t nblocks = 1 + rng() % 10;
    const auto top = random_blocks(rng, nblocks, w, static_cast<int>(seed % 3));
    std::vector<std::uint8_t> planes(nblocks * (w + 1));
    ebpc::arch::planes_b8(top.data(), nblocks, w, planes.data());
    std::vector<std::uint8_t> recs(nblocks * stride);
    std::vector<std::uint16_t> bases(nblocks);
    for (std::size_t b = 0; b < nblocks; ++b) {
      std::copy_n(planes.begin() + static_cast<std::ptrdiff_t>(b * (w + 1)), w + 1, recs.begin() + static_cast<std::ptrdiff_t>(b * stride));
      bases[b] = static_cast<std::uint16_t>(top[8 * b] >> (16 - w));
    }
    std::vector<std::uint16_t> out(nblocks * 8);
    SCOPED_TRACE("seed=" + std::to_string(seed));
    ASSERT_TRUE(ebpc::arch::unplanes_b8(recs.data(), bases.data(), nblocks, w, out.data()));
    for (std::size_t k = 0; k < out.size(); ++k) {
      ASSERT_EQ(out[k], top[k] >> (16 - w)) << k;
    }
  }
}

}  // namespace

namespace {


}  // namespace
