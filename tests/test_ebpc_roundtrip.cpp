// Production EBPC coder vs the reference coder, on seeded random inputs of every width,
// block size, zero-run limit, length and sparsity; and round trips up to 10^6 words.
#include <gtest/gtest.h>

#include <ebpc/ebpc.hpp>

#include "codec/reference/ebpc_reference.hpp"
#include "testutil.hpp"

namespace {

struct Case {
  unsigned w, b, z;
  std::size_t n;
  double zeros;
  bool smooth;
  std::uint64_t seed;
};

std::string describe(const Case& c) {
  return "W=" + std::to_string(c.w) + " B=" + std::to_string(c.b) + " Z=" + std::to_string(c.z) +
         " n=" + std::to_string(c.n) + " zeros=" + std::to_string(c.zeros) + " smooth=" + std::to_string(c.smooth) +
         " seed=" + std::to_string(c.seed);
}

void check_against_reference(const Case& c) {
  SCOPED_TRACE(describe(c));
  std::mt19937_64 rng(c.seed);
  const auto words = ebpc::test::random_words(rng, c.n, c.w, c.zeros, c.smooth);
  const ebpc::EbpcParams params{c.w, c.b, c.z};
  auto r = ebpc::encode_streams_to_vectors(words, params);
  ASSERT_TRUE(r.has_value());
  const std::vector<std::uint64_t> values(words.begin(), words.end());
  const auto ref = ebpc::reference::encode(values, c.w, c.b, c.z);
  ASSERT_EQ(r->sizes.znz_nbits, ref.znz_bits.size());
  ASSERT_EQ(r->sizes.bpc_nbits, ref.bpc_bits.size());
  ASSERT_EQ(r->znz, ebpc::reference::pack_padded(ref.znz_bits, c.w));
  ASSERT_EQ(r->bpc, ebpc::reference::pack_padded(ref.bpc_bits, c.w));
  // Production decoder on the production streams.
  std::vector<std::uint32_t> out(c.n, 0xffffffffu);
  auto d = ebpc::decode_streams(r->znz, r->bpc, params, std::span<std::uint32_t>(out));
  ASSERT_TRUE(d.has_value()) << ebpc::error_message(d.error());
  ASSERT_EQ(out, words);
  // Reference decoder too.
  auto back = ebpc::reference::decode(ref.znz_bits, ref.bpc_bits, c.n, c.w, c.b, c.z);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(*back, values);
}

TEST(EbpcVsReference, AllWidthsBlocksAndZeroRuns) {
  std::uint64_t seed = 1;
  for (unsigned w = 2; w <= 32; ++w) {
    for (unsigned b : {2u, 4u, 8u, 16u, 32u}) {
      for (unsigned z : {2u, 16u, 256u}) {
        for (double zeros : {0.0, 0.4, 0.9}) {
          check_against_reference({w, b, z, 1 + (seed * 37) % 300, zeros, (seed & 1) != 0, seed});
          ++seed;
          if (::testing::Test::HasFatalFailure()) {
            return;
          }
        }
      }
    }
  }
}

TEST(EbpcVsReference, LengthsAroundBlockAndRunBoundaries) {
  std::uint64_t seed = 1000;
  for (std::size_t n : {1u, 2u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 32u, 33u, 255u, 256u, 257u}) {
    for (double zeros : {0.0, 0.5, 0.95, 1.0}) {
      check_against_reference({8, 8, 16, n, zeros, true, seed++});
      check_against_reference({16, 16, 16, n, zeros, false, seed++});
    }
  }
}

TEST(EbpcVsReference, ExtremeValues) {
  for (unsigned w : {2u, 8u, 12u, 16u, 32u}) {
    const std::uint32_t mask = w == 32 ? 0xffffffffu : (1u << w) - 1;
    const std::uint32_t min_neg = 1u << (w - 1);
    std::vector<std::uint32_t> words = {min_neg, mask >> 1, min_neg, 1, mask, min_neg, mask >> 1, 0, 0, min_neg};
    const ebpc::EbpcParams params{w, 8, 16};
    auto r = ebpc::encode_streams_to_vectors(words, params);
    ASSERT_TRUE(r.has_value());
    const std::vector<std::uint64_t> values(words.begin(), words.end());
    const auto ref = ebpc::reference::encode(values, w, 8, 16);
    EXPECT_EQ(r->znz, ebpc::reference::pack_padded(ref.znz_bits, w));
    EXPECT_EQ(r->bpc, ebpc::reference::pack_padded(ref.bpc_bits, w));
    std::vector<std::uint32_t> out(words.size());
    ASSERT_TRUE(ebpc::decode_streams(r->znz, r->bpc, params, std::span<std::uint32_t>(out)).has_value());
    EXPECT_EQ(out, words);
  }
}

TEST(EbpcRoundTrip, LargeInputsAllSparsities) {
  std::uint64_t seed = 77;
  for (std::size_t n : {1000u, 100000u, 1000000u}) {
    for (double zeros : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      for (unsigned w : {8u, 16u}) {
        SCOPED_TRACE("n=" + std::to_string(n) + " zeros=" + std::to_string(zeros) + " seed=" + std::to_string(seed));
        std::mt19937_64 rng(seed++);
        const auto words = ebpc::test::random_words(rng, n, w, zeros, true);
        const ebpc::EbpcParams params{w, 8, 16};
        auto r = ebpc::encode_streams_to_vectors(words, params);
        ASSERT_TRUE(r.has_value());
        std::vector<std::uint32_t> out(n);
        ASSERT_TRUE(ebpc::decode_streams(r->znz, r->bpc, params, std::span<std::uint32_t>(out)).has_value());
        ASSERT_EQ(out, words);
      }
    }
  }
}

TEST(EbpcRoundTrip, NarrowStorageTypes) {
  std::mt19937_64 rng(5);
  const auto words32 = ebpc::test::random_words(rng, 5000, 8, 0.4, true);
  std::vector<std::uint8_t> words8(words32.begin(), words32.end());
  const ebpc::EbpcParams params{8, 8, 16};
  std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(words8.size(), params));
  std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(words8.size(), params));
  auto s8 = ebpc::encode_streams(std::span<const std::uint8_t>(words8), params, znz, bpc);
  ASSERT_TRUE(s8.has_value());
  auto s32 = ebpc::encode_streams_to_vectors(words32, params);
  ASSERT_TRUE(s32.has_value());
  EXPECT_EQ(s8->znz_nbits, s32->sizes.znz_nbits);
  EXPECT_EQ(s8->bpc_nbits, s32->sizes.bpc_nbits);
  EXPECT_TRUE(std::equal(s32->znz.begin(), s32->znz.end(), znz.begin()));
  std::vector<std::uint8_t> out(words8.size());
  ASSERT_TRUE(ebpc::decode_streams(s32->znz, s32->bpc, params, std::span<std::uint8_t>(out)).has_value());
  EXPECT_EQ(out, words8);
}

TEST(EbpcParams, RejectsBadParameters) {
  std::vector<std::uint32_t> words = {1, 2, 3};
  EXPECT_EQ(ebpc::encode_streams_to_vectors(words, {1, 8, 16}).error(), ebpc::Error::bad_parameter);
  EXPECT_EQ(ebpc::encode_streams_to_vectors(words, {33, 8, 16}).error(), ebpc::Error::bad_parameter);
  EXPECT_EQ(ebpc::encode_streams_to_vectors(words, {8, 6, 16}).error(), ebpc::Error::bad_parameter);
  EXPECT_EQ(ebpc::encode_streams_to_vectors(words, {8, 8, 12}).error(), ebpc::Error::bad_parameter);
  EXPECT_EQ(ebpc::encode_streams_to_vectors(words, {8, 8, 512}).error(), ebpc::Error::bad_parameter);
  // A word with bits above W.
  std::vector<std::uint32_t> wide = {1, 256, 3};
  EXPECT_EQ(ebpc::encode_streams_to_vectors(wide, {8, 8, 16}).error(), ebpc::Error::bad_parameter);
  // Output below the bound.
  std::vector<std::uint8_t> small(1);
  std::vector<std::uint8_t> big(1000);
  EXPECT_EQ(ebpc::encode_streams(std::span<const std::uint32_t>(words), {8, 8, 16}, small, big).error(),
            ebpc::Error::output_too_small);
}

}  // namespace
