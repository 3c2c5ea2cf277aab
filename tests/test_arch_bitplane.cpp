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

TEST(ArchBitplane, PlanesB8Sse2MatchesScalar) {
  std::uint64_t seed = 100;
  for (unsigned w = 2; w <= 16; ++w) {
    for (int kind = 0; kind < 3; ++kind) {
      for (std::size_t nblocks : {1u, 2u, 3u, 17u}) {
        SCOPED_TRACE("seed=" + std::to_string(seed) + " w=" + std::to_string(w) + " kind=" + std::to_string(kind));
        std::mt19937_64 rng(seed++);
        const auto top = random_blocks(rng, nblocks, w, kind);
        std::vector<std::uint8_t> a(nblocks * (w + 1), 0xee), b(nblocks * (w + 1), 0xee);
        ebpc::arch::planes_b8_scalar(top.data(), nblocks, w, a.data());
        ebpc::arch::planes_b8_sse2(top.data(), nblocks, w, b.data());
        ASSERT_EQ(a, b);
      }
    }
  }
}

#endif

}  // namespace

namespace {

#if EBPC_ARCH_HAVE_SSE2
TEST(ArchBitplane, DbxB8Sse2MatchesScalar) {
  std::uint64_t seed = 11000;
  for (unsigned w = 2; w <= 16; ++w) {
    for (int kind = 0; kind < 4; ++kind) {
      for (std::size_t nblocks : {1u, 2u, 9u}) {
        SCOPED_TRACE("seed=" + std::to_string(seed) + " w=" + std::to_string(w) + " kind=" + std::to_string(kind));
        std::mt19937_64 rng(seed++);
        // Planes of real blocks, or random 7-bit planes (with zero planes and runs).
        std::vector<std::uint8_t> planes(nblocks * (w + 1) + 16);
        if (kind < 3) {
          const auto top = random_blocks(rng, nblocks, w, kind);
          ebpc::arch::planes_b8_scalar(top.data(), nblocks, w, planes.data());
        } else {
          for (auto& p : planes) {
            p = rng() % 3 == 0 ? std::uint8_t{0} : static_cast<std::uint8_t>(rng() & 0x7f);
          }
        }
        std::vector<std::uint8_t> a(nblocks * ebpc::arch::k_dbx_stride), b(a.size());
        ebpc::arch::dbx_b8_scalar(planes.data(), nblocks, w, a.data());
        ebpc::arch::dbx_b8_sse2(planes.data(), nblocks, w, b.data());
        for (std::size_t blk = 0; blk < nblocks; ++blk) {
          const std::size_t at = blk * ebpc::arch::k_dbx_stride;
          for (unsigned p = 0; p <= w; ++p) {
            ASSERT_EQ(a[at + p], b[at + p]) << "block " << blk << " plane " << p;
          }
          for (std::size_t k = ebpc::arch::k_dbx_mask_at; k < ebpc::arch::k_dbx_mask_at + 4; ++k) {
            ASSERT_EQ(a[at + k], b[at + k]) << "block " << blk << " mask byte " << k;
          }
        }
      }
    }
  }
}
#endif

}  // namespace
