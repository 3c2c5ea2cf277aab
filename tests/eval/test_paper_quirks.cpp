// The size model of the authors' evaluation quirks (src/eval/paper_quirks.hpp): with no
// quirk it must give the codec's exact bits; each quirk checked on hand-computed blocks.
#include <gtest/gtest.h>

#include <random>

#include <ebpc/ebpc.hpp>

#include "eval/paper_quirks.hpp"

namespace ebpc::eval {
namespace {

constexpr PaperQuirks k_none{};
constexpr PaperQuirks k_wrapped{true, false, false};
constexpr PaperQuirks k_short{false, true, false};
constexpr PaperQuirks k_swapped{false, false, true};

TEST(PaperQuirks, HandComputed) {
  // One word 5 (W=8, B=8): ZNZ '1'; the block [5,0,...,0]: base 8, d1 = -5 = 1 1111 1011
  // (9 bits): p0 one-bit (8), p1 zero run of 1 (2, flushed at p2), p2 DBP zero (5),
  // p3 one-bit (8), p4..p8 run of 5 (3 + 3) -> 8 + 8 + 2 + 5 + 8 + 6 = 37, plus 1.
  const std::vector<std::uint32_t> one = {5};
  EXPECT_EQ(ebpc_quirk_nbits(one, 8, 8, 16, k_none), 38u);
  EXPECT_EQ(ebpc_quirk_nbits(one, 8, 8, 16, k_short), 1u);  // a last block of one word costs nothing
  // Eight equal words: ZNZ 8 bits; base 8; all 9 planes zero: one run '001' + 3 bits = 6.
  const std::vector<std::uint32_t> eight(8, 1);
  EXPECT_EQ(ebpc_quirk_nbits(eight, 8, 8, 16, k_none), 22u);
  EXPECT_EQ(ebpc_quirk_nbits(eight, 8, 8, 16, k_swapped), 21u);  // '01' + 3 bits
  EXPECT_EQ(ebpc_quirk_nbits(eight, 8, 8, 16, k_wrapped), 22u);  // a run of 8 costs the same
  // Zeros only: ZNZ runs of 16 (5 bits each) and the rest; no BPC block.
  const std::vector<std::uint32_t> zeros(40, 0);
  EXPECT_EQ(ebpc_quirk_nbits(zeros, 8, 8, 16, k_none), 15u);
  // 127, -128 (0x80), then zeros in the block: d1 = -255 needs 9 bits; wrapped it is 1.
  // Exact: 9-bit -255 = 1 0000 0001; d2 = 128 = 0 1000 0000.
  //   DBP (7-bit words, d1 = bit 6, d2 = bit 5): p0 = 0x40, p1..p6 = 0, p7 = 0x20, p8 = 0x40.
  //   DBX: p0 = 0x40 (one-bit, 8), p1 = 0x40 (DBP zero, 5), p2..p6 run of 5 (6),
  //   p7 = 0x20 (one-bit, 8), p8 = 0x60 (two adjacent, 8) -> 8 + 8 + 5 + 6 + 8 + 8 = 43.
  // Wrapped (8 planes): d1 = 0x01, d2 = 0x80: p0 = 0x40, p1..p6 = 0, p7 = 0x20:
  //   8 + 8 + 5 + 6 + 8 = 35.
  const std::vector<std::uint32_t> jump = {127, 0x80};
  EXPECT_EQ(ebpc_quirk_nbits(jump, 8, 8, 16, k_none), 2u + 43u);
  EXPECT_EQ(ebpc_quirk_nbits(jump, 8, 8, 16, k_wrapped), 2u + 35u);
}

// With no quirk, the model is the codec: seeded random maps with knobs for width, block
// size, sparsity and length (short last blocks, long zero runs).
TEST(PaperQuirks, NoQuirkEqualsCodec) {
  const unsigned seed = 20190829;
  std::mt19937 rng(seed);
  for (const unsigned w : {8u, 12u, 16u, 32u}) {
    for (const unsigned b : {8u, 16u}) {
      if (b > w) {
        continue;
      }
      for (const double sparsity : {0.0, 0.5, 0.9}) {
        for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{3001}}) {
          std::vector<std::uint32_t> words(n);
          std::uniform_real_distribution<double> u(0.0, 1.0);
          std::uniform_int_distribution<std::uint32_t> small(1, 60);
          std::uniform_int_distribution<std::uint32_t> any(0, w == 32 ? 0xffffffffu : (1u << w) - 1);
          for (auto& x : words) {
            x = u(rng) < sparsity ? 0 : (u(rng) < 0.7 ? small(rng) : any(rng));
          }
          const EbpcParams p{w, b, 16};
          auto coded = encode_streams_to_vectors(words, p);
          ASSERT_TRUE(coded.has_value());
          EXPECT_EQ(ebpc_quirk_nbits(words, w, b, 16, k_none), coded->sizes.znz_nbits + coded->sizes.bpc_nbits)
              << "seed " << seed << " W " << w << " B " << b << " sparsity " << sparsity << " n " << n;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ebpc::eval
