// The one B = 8 / B = 16 decoder body (src/codec/ebpc_decode_body.hpp), each
// instantiation (baseline: SSE2 or scalar kernels; AVX2 + BMI2 where the CPU has it; the
// scalar twins, built here) against the plain decoder (decode_generic, one symbol at a time)
// and against each other (exactly, errors included). Against decode_generic: same words and
// bits on good streams; on damaged ones (truncation, bit flips, random bytes) success exactly
// when the generic decoder succeeds, with the same words and bits (the error kind: see
// below), for B = 8 and 16, W = 2..16, Z = 2..256, uint8/uint16/uint32 words. Seeds are in
// the failure messages.
#include <gtest/gtest.h>

#include <ebpc/ebpc.hpp>
#include <ebpc/npy.hpp>

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/unplane_b16_scalar.hpp"
#include "arch/unplane_b8_scalar.hpp"
#include "codec/ebpc_decode_fast.hpp"
#include "testutil.hpp"

// A third instantiation, with the scalar twins (what targets without SSE2 build), so that
// it is built and checked on x86-64 too.
#define EBPC_DECODE_TARGET
#define EBPC_DECODE_NAMESPACE decode_scalar_test
#define EBPC_DECODE_KERNELS ::ebpc::arch::ScalarDecodeKernels
#define EBPC_B16_KERNELS ::ebpc::arch::ScalarUnplaneB16
#include "codec/ebpc_decode_body.hpp"
#undef EBPC_DECODE_TARGET
#undef EBPC_DECODE_NAMESPACE
#undef EBPC_DECODE_KERNELS
#undef EBPC_B16_KERNELS

namespace {

using ebpc::EbpcConsumed;
using ebpc::EbpcParams;
using ebpc::Result;

std::string describe(const EbpcParams& p, std::size_t n, std::uint64_t seed) {
  return "W=" + std::to_string(p.word_nbits) + " B=" + std::to_string(p.block_nwords) + " Z=" + std::to_string(p.max_zero_run_nwords) + " n=" +
         std::to_string(n) + " seed=" + std::to_string(seed);
}

int g_compared = 0;
int g_other_error = 0;

// Decodes with the generic decoder and with every instantiation of the body into Word
// buffers; all must agree. Returns the generic result.
template <class Word>
Result<EbpcConsumed> all_agree(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                               const EbpcParams& p, std::size_t n, std::vector<Word>* words_out = nullptr) {
  std::vector<Word> g(n, Word{0x5a});
  const auto rg = ebpc::detail::ebpc_decode_generic(znz, bpc, p, std::span<Word>(g));
  const auto check = [&](const char* name, const Result<EbpcConsumed>& r, const std::vector<Word>& words) {
    SCOPED_TRACE(name);
    ++g_compared;
    ASSERT_EQ(r.has_value(), rg.has_value());
    if (r.has_value()) {
      EXPECT_EQ(r->znz_nbits, rg->znz_nbits);
      EXPECT_EQ(r->bpc_nbits, rg->bpc_nbits);
      EXPECT_EQ(words, g);
    } else if (r.error() != rg.error()) {
      // Not held to: which of truncated and corrupt a damaged stream gets may differ from
      // the generic decoder's. The body reads a segment's ZNZ symbols, then its BPC blocks,
      // so it meets the damage and the end of a cut-short stream in another order than a
      // decoder that reads one symbol at a time. (The instantiations agree with each other
      // exactly: below.)
      EXPECT_TRUE(r.error() == ebpc::Error::truncated || r.error() == ebpc::Error::corrupt);
      EXPECT_TRUE(rg.error() == ebpc::Error::truncated || rg.error() == ebpc::Error::corrupt);
      ++g_other_error;
    }
  };
  std::vector<Word> b(n, Word{0xa5});
  const auto rb = ebpc::detail::decode_baseline::decode(znz, bpc, p, std::span<Word>(b));
  check("baseline", rb, b);
  // The instantiations agree exactly, error kinds included.
  const auto same_as_baseline = [&](const char* name, const Result<EbpcConsumed>& r, const std::vector<Word>& words) {
    SCOPED_TRACE(name);
    ASSERT_EQ(r.has_value(), rb.has_value());
    if (r.has_value()) {
      EXPECT_EQ(r->znz_nbits, rb->znz_nbits);
      EXPECT_EQ(r->bpc_nbits, rb->bpc_nbits);
      EXPECT_EQ(words, b);
    } else {
      EXPECT_EQ(r.error(), rb.error());
    }
  };
  std::vector<Word> c(n, Word{0x99});
  const auto rc = ebpc::detail::decode_scalar_test::decode(znz, bpc, p, std::span<Word>(c));
  check("scalar", rc, c);
  same_as_baseline("scalar", rc, c);
#if EBPC_ARCH_HAVE_AVX2
  if (ebpc::arch::use_avx2()) {
    std::vector<Word> a(n, Word{0x3c});
    const auto ra = ebpc::detail::decode_avx2::decode(znz, bpc, p, std::span<Word>(a));
    check("avx2", ra, a);
    same_as_baseline("avx2", ra, a);
  }
#endif
  if (words_out != nullptr) {
    *words_out = g;
  }
  return rg;
}

template <class Word>
void good_and_damaged(const std::vector<std::uint32_t>& words, const EbpcParams& p, std::mt19937_64& rng) {
  if (p.word_nbits > sizeof(Word) * 8) {
    return;
  }
  auto s = ebpc::encode_streams_to_vectors(words, p);
  ASSERT_TRUE(s.has_value());
  const std::size_t n = words.size();
  std::vector<Word> out;
  const auto r = all_agree<Word>(s->znz, s->bpc, p, n, &out);
  ASSERT_TRUE(r.has_value());
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(out[i], words[i]) << "word " << i;
  }
  for (int which = 0; which < 2; ++which) {
    const auto& full = which == 0 ? s->znz : s->bpc;
    for (std::size_t len = 0; len < full.size(); len += 1 + full.size() / 17) {
      const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      (void)(which == 0 ? all_agree<Word>(cut, s->bpc, p, n) : all_agree<Word>(s->znz, cut, p, n));
    }
    for (int t = 0; t < 40 && !full.empty(); ++t) {
      auto bad = full;
      const int nflips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < nflips; ++f) {
        const std::size_t bit = rng() % (bad.size() * 8);
        bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (0x80u >> (bit % 8)));
      }
      (void)(which == 0 ? all_agree<Word>(bad, s->bpc, p, n) : all_agree<Word>(s->znz, bad, p, n));
    }
  }
  for (int t = 0; t < 10; ++t) {
    std::vector<std::uint8_t> rz(rng() % (s->znz.size() + 8));
    std::vector<std::uint8_t> rb(rng() % (s->bpc.size() + 8));
    for (auto& x : rz) {
      x = static_cast<std::uint8_t>(rng() | (t % 2 == 0 ? 0x80u : 0u));
    }
    for (auto& x : rb) {
      x = static_cast<std::uint8_t>(rng());
    }
    (void)all_agree<Word>(s->znz, rb, p, n);
    (void)all_agree<Word>(rz, rb, p, n);
  }
}

// Every W, Z 2/16/256, lengths: within a block, whole and part blocks, across segments
// (1024 words), and zero fractions 0 (random or smooth), 0.5 and 0.97.
void every_instantiation_matches_generic(unsigned block_nwords, std::uint64_t seed0,
                                         std::initializer_list<std::size_t> lengths, int min_compared) {
  g_compared = 0;
  g_other_error = 0;
  std::uint64_t k = 0;
  for (unsigned w = 2; w <= 16; ++w) {
    for (unsigned z : {2u, 16u, 256u}) {
      for (std::size_t n : lengths) {
        for (double zeros : {0.0, 0.5, 0.97}) {
          const std::uint64_t seed = seed0 + k++;
          std::mt19937_64 rng(seed);
          const EbpcParams p{w, block_nwords, z};
          SCOPED_TRACE(describe(p, n, seed) + " zeros=" + std::to_string(zeros));
          const auto words = ebpc::test::random_words(rng, n, w, zeros, (k & 1) != 0);
          good_and_damaged<std::uint8_t>(words, p, rng);
          good_and_damaged<std::uint16_t>(words, p, rng);
          good_and_damaged<std::uint32_t>(words, p, rng);
          if (::testing::Test::HasFatalFailure()) {
            return;
          }
        }
      }
    }
  }
  EXPECT_GT(g_compared, min_compared);
  std::printf("B = %u: compared %d decodes; %d failed with the other of truncated/corrupt\n", block_nwords,
              g_compared, g_other_error);
}

TEST(DecodeB8, EveryInstantiationMatchesGeneric) {
  every_instantiation_matches_generic(8, 9100, {9, 1025, 2600}, 100000);
}

// B = 16: lengths inside the first block, at and past block ends, mid-segment, one word
// past a segment, and several segments ending mid-block.
TEST(DecodeB16, EveryInstantiationMatchesGeneric) {
  every_instantiation_matches_generic(16, 19100, {1, 15, 17, 500, 1025, 2600}, 150000);
}

// B = 16 on real data: the fixed8 sample's first maps (W = 8, uint8 and wider words) and
// the same values scaled to W = 16 and W = 12 (smooth, sparse: ReLU outputs).
TEST(DecodeB16, RealFeatureMapsMatchGeneric) {
  std::mt19937_64 rng(19999);
  int files = 0;
  for (const char* name : {"Conv1_relu.fixed8.npy", "block_3_expand_relu.fixed8.npy", "block_16_depthwise_relu.fixed8.npy"}) {
    const auto a = ebpc::read_npy(std::string(EBPC_SOURCE_DIR) + "/data/fmaps-sample/mobilenet_v2-kite/" + name);
    ASSERT_TRUE(a.has_value()) << name;
    const auto words8 = ebpc::npy_to_words(*a, 8);
    ASSERT_TRUE(words8.has_value() && !words8->empty()) << name;
    // A slice (the corruption loops decode it a few hundred times), ending mid-block.
    std::vector<std::uint32_t> words(words8->begin(),
                                     words8->begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(words8->size(), 5001)));
    SCOPED_TRACE(name);
    good_and_damaged<std::uint8_t>(words, EbpcParams{8, 16, 16}, rng);
    good_and_damaged<std::uint16_t>(words, EbpcParams{8, 16, 16}, rng);
    for (unsigned w : {12u, 16u}) {
      std::vector<std::uint32_t> wide(words.size());
      for (std::size_t i = 0; i < words.size(); ++i) {
        const auto v = static_cast<std::int32_t>(static_cast<std::int8_t>(words[i]));
        wide[i] = static_cast<std::uint32_t>(v * (1 << (w - 8)) + (v != 0 ? static_cast<std::int32_t>(rng() % 3) : 0)) & ((1u << w) - 1);
      }
      good_and_damaged<std::uint16_t>(wide, EbpcParams{w, 16, 16}, rng);
      good_and_damaged<std::uint32_t>(wide, EbpcParams{w, 16, 256}, rng);
    }
    ++files;
  }
  EXPECT_EQ(files, 3);
}

}  // namespace
