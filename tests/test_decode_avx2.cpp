// The AVX2 + BMI2 EBPC decoder (the B = 8 body's AVX2 instantiation,
// src/codec/ebpc_decode_avx2.cpp) against the baseline decoder (the same body with the
// SSE2/scalar kernels, called directly): same words, same consumed bits, same errors, on
// seeded random streams (segment boundaries, zero runs across segments, last partial block,
// W = 2..16, uint8/uint16/uint32 words, Z = 2..256) and on damaged streams (bit flips,
// truncation, random bytes). Skipped where the CPU (or EBPC_ISA=baseline) rules AVX2 out.
#include <gtest/gtest.h>

#include <ebpc/ebpc.hpp>

#include "arch/cpu.hpp"
#include "codec/ebpc_decode_fast.hpp"
#include "testutil.hpp"

namespace {

using ebpc::EbpcConsumed;
using ebpc::EbpcParams;
using ebpc::Result;

std::string describe(const EbpcParams& p, std::size_t n) {
  return "W=" + std::to_string(p.word_nbits) + " Z=" + std::to_string(p.max_zero_run_nwords) + " n=" +
         std::to_string(n);
}

// Decodes with both paths into Word buffers; both results must agree (and the words when
// they succeed). Returns the AVX2 result.
template <class Word>
Result<EbpcConsumed> both(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc, const EbpcParams& p,
                          std::size_t n, std::vector<Word>* words_out = nullptr) {
  std::vector<Word> a(n, Word{0x5a});
  std::vector<Word> b(n, Word{0xa5});
  const auto ra = ebpc::detail::ebpc_decode_avx2(znz, bpc, p, std::span<Word>(a));
  const auto rb = ebpc::detail::ebpc_decode_baseline(znz, bpc, p, std::span<Word>(b));
  EXPECT_EQ(ra.has_value(), rb.has_value());
  if (ra.has_value() && rb.has_value()) {
    EXPECT_EQ(ra->znz_nbits, rb->znz_nbits);
    EXPECT_EQ(ra->bpc_nbits, rb->bpc_nbits);
    EXPECT_EQ(a, b);
  } else if (!ra.has_value() && !rb.has_value()) {
    EXPECT_EQ(static_cast<int>(ra.error()), static_cast<int>(rb.error()));
  }
  if (words_out != nullptr) {
    *words_out = a;
  }
  return ra;
}

bool avx2_usable() { return ebpc::arch::use_avx2(); }

template <class Word>
void round_trip(const std::vector<std::uint32_t>& words, const EbpcParams& p) {
  auto s = ebpc::encode_streams_to_vectors(words, p);
  ASSERT_TRUE(s.has_value());
  std::vector<Word> out;
  const auto r = both<Word>(s->znz, s->bpc, p, words.size(), &out);
  ASSERT_TRUE(r.has_value()) << ebpc::error_message(r.error());
  EXPECT_EQ(r->znz_nbits, s->sizes.znz_nbits);
  EXPECT_EQ(r->bpc_nbits, s->sizes.bpc_nbits);
  ASSERT_EQ(out.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    ASSERT_EQ(out[i], words[i]) << "word " << i;
  }
}

template <class Word>
void round_trip_any(const std::vector<std::uint32_t>& words, const EbpcParams& p) {
  if (p.word_nbits <= sizeof(Word) * 8) {
    round_trip<Word>(words, p);
  }
}

TEST(DecodeAvx2, RoundTripsLikeBaseline) {
  if (!avx2_usable()) {
    GTEST_SKIP() << "no AVX2 + BMI2 (or EBPC_ISA=baseline)";
  }
  std::mt19937_64 rng(77);
  std::uint64_t k = 0;
  for (unsigned w = 2; w <= 16; ++w) {
    for (unsigned z : {2u, 16u, 256u}) {
      for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{1023},
                            std::size_t{1024}, std::size_t{1025}, std::size_t{3000 + 13 * w}}) {
        for (double zeros : {0.0, 0.45, 0.95, 0.999}) {
          const EbpcParams p{w, 8, z};
          SCOPED_TRACE(describe(p, n) + " zeros=" + std::to_string(zeros));
          const auto words = ebpc::test::random_words(rng, n, w, zeros, (++k & 1) != 0);
          round_trip_any<std::uint8_t>(words, p);
          round_trip_any<std::uint16_t>(words, p);
          round_trip_any<std::uint32_t>(words, p);
          if (::testing::Test::HasFatalFailure()) {
            return;
          }
        }
      }
    }
  }
}

// Long zero runs that cross segment boundaries (1024 words), non-zero words at the edges,
// all-zero and all-non-zero inputs, and the BPC symbols the table path hands to the exact
// parser ('00001': a plane that goes back to zero).
TEST(DecodeAvx2, SegmentEdgesAndRareSymbols) {
  if (!avx2_usable()) {
    GTEST_SKIP();
  }
  for (unsigned w : {2u, 3u, 7u, 8u, 9u, 12u, 16u}) {
    const std::uint32_t top = std::uint32_t{1} << (w - 1);
    for (unsigned z : {2u, 16u, 256u}) {
      const EbpcParams p{w, 8, z};
      SCOPED_TRACE(describe(p, 0));
      std::vector<std::uint32_t> words(5000, 0);
      for (std::size_t i : {std::size_t{0}, std::size_t{1023}, std::size_t{1024}, std::size_t{2047},
                            std::size_t{2050}, std::size_t{4999}}) {
        words[i] = 1 + static_cast<std::uint32_t>(i % (top - 1 > 0 ? top - 1 : 1));
      }
      round_trip_any<std::uint8_t>(words, p);
      round_trip_any<std::uint16_t>(words, p);
      round_trip_any<std::uint32_t>(words, p);
      round_trip_any<std::uint32_t>(std::vector<std::uint32_t>(2100, 0), p);
      round_trip_any<std::uint32_t>(std::vector<std::uint32_t>(2100, 1), p);
      // Extremes of the range side by side (largest deltas, sign plane set).
      std::vector<std::uint32_t> ext(1500);
      for (std::size_t i = 0; i < ext.size(); ++i) {
        ext[i] = (i % 3 == 0) ? top : (i % 3 == 1) ? top - 1 : (std::uint32_t{1} << w) - 1;
      }
      round_trip_any<std::uint16_t>(ext, p);
      round_trip_any<std::uint32_t>(ext, p);
      // 1, 0-ish patterns: a delta plane that is all zero after non-zero ones ('00001').
      std::vector<std::uint32_t> alt(1200);
      for (std::size_t i = 0; i < alt.size(); ++i) {
        alt[i] = (i % 2 == 0) ? 3 : 1;
      }
      round_trip_any<std::uint32_t>(alt, p);
      if (::testing::Test::HasFatalFailure()) {
        return;
      }
    }
  }
}

// Damaged streams: both paths must give the same error (or the same words).
template <class Word>
void damage(const std::vector<std::uint32_t>& words, const EbpcParams& p, std::mt19937_64& rng) {
  auto s = ebpc::encode_streams_to_vectors(words, p);
  ASSERT_TRUE(s.has_value());
  const std::size_t n = words.size();
  for (int which = 0; which < 2; ++which) {
    const auto& full = which == 0 ? s->znz : s->bpc;
    // Truncation at a few lengths.
    for (std::size_t len = 0; len < full.size(); len += 1 + full.size() / 23) {
      const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      const auto r = which == 0 ? both<Word>(cut, s->bpc, p, n) : both<Word>(s->znz, cut, p, n);
      if (!r) {
        EXPECT_EQ(r.error(), ebpc::Error::truncated);
      }
    }
    // Bit flips (1 to 3 at once).
    for (int t = 0; t < 60 && !full.empty(); ++t) {
      auto bad = full;
      const int nflips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < nflips; ++f) {
        const std::size_t bit = rng() % (bad.size() * 8);
        bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (0x80u >> (bit % 8)));
      }
      (void)(which == 0 ? both<Word>(bad, s->bpc, p, n) : both<Word>(s->znz, bad, p, n));
    }
  }
  // Random bytes for one or both streams.
  for (int t = 0; t < 20; ++t) {
    std::vector<std::uint8_t> rz(rng() % (s->znz.size() + 8));
    std::vector<std::uint8_t> rb(rng() % (s->bpc.size() + 8));
    for (auto& x : rz) {
      x = static_cast<std::uint8_t>(rng() | (t % 2 == 0 ? 0x80u : 0u));  // mostly '1' bits when even
    }
    for (auto& x : rb) {
      x = static_cast<std::uint8_t>(rng());
    }
    (void)both<Word>(s->znz, rb, p, n);
    (void)both<Word>(rz, rb, p, n);
  }
}

TEST(DecodeAvx2, DamagedStreamsGiveTheBaselinesErrors) {
  if (!avx2_usable()) {
    GTEST_SKIP();
  }
  std::mt19937_64 rng(4242);
  std::uint64_t k = 0;
  for (unsigned w : {2u, 4u, 5u, 8u, 9u, 13u, 16u}) {
    for (unsigned z : {2u, 16u, 256u}) {
      for (std::size_t n : {std::size_t{300}, std::size_t{2500}}) {
        const EbpcParams p{w, 8, z};
        SCOPED_TRACE(describe(p, n));
        const auto words = ebpc::test::random_words(rng, n, w, 0.5, (++k & 1) != 0);
        if (w <= 8) {
          damage<std::uint8_t>(words, p, rng);
        }
        damage<std::uint16_t>(words, p, rng);
        damage<std::uint32_t>(words, p, rng);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
    }
  }
}

// The public API takes the AVX2 path on this machine and still checks its parameters.
TEST(DecodeAvx2, PublicApiDispatch) {
  std::vector<std::uint8_t> out(10);
  const std::vector<std::uint8_t> empty;
  EXPECT_EQ(ebpc::decode_streams(empty, empty, EbpcParams{9, 8, 16}, std::span<std::uint8_t>(out)).error(),
            ebpc::Error::bad_parameter);
  EXPECT_EQ(ebpc::decode_streams(empty, empty, EbpcParams{8, 8, 16}, std::span<std::uint8_t>(out)).error(),
            ebpc::Error::truncated);
  EXPECT_TRUE(ebpc::detail::ebpc_decode_avx2_fits(EbpcParams{16, 8, 16}) || !avx2_usable());
  EXPECT_FALSE(ebpc::detail::ebpc_decode_avx2_fits(EbpcParams{17, 8, 16}));
  EXPECT_TRUE(ebpc::detail::ebpc_decode_avx2_fits(EbpcParams{8, 16, 16}) || !avx2_usable());
  EXPECT_FALSE(ebpc::detail::ebpc_decode_avx2_fits(EbpcParams{8, 32, 16}));
}

}  // namespace
