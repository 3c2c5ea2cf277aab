// The encoder on uint8 and uint16 word buffers (the storage the CLI uses for fixed8,
// fixed16 and float16), against the reference coder: on an AVX2 + BMI2 machine this is the
// runtime-dispatched AVX2 encoder (src/codec/ebpc_encode_avx2.cpp), and ctest runs the
// same tests again with EBPC_ISA=baseline for the SSE2 path. Lengths cross the AVX2 path's
// 64-word masks, its 32-block groups and its 4096-word segments.
#include <gtest/gtest.h>

#include <ebpc/ebpc.hpp>

#include <algorithm>

#include "codec/reference/ebpc_reference.hpp"
#include "testutil.hpp"

namespace {

template <class Word>
void check_narrow(const std::vector<std::uint32_t>& words32, const ebpc::EbpcParams& params) {
  const std::vector<Word> words(words32.begin(), words32.end());
  std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(words.size(), params), 0xAA);
  std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(words.size(), params), 0xAA);
  auto s = ebpc::encode_streams(std::span<const Word>(words), params, znz, bpc);
  ASSERT_TRUE(s.has_value()) << ebpc::error_message(s.error());
  const std::vector<std::uint64_t> values(words.begin(), words.end());
  const auto ref = ebpc::reference::encode(values, params.word_nbits, params.block_nwords, params.max_zero_run_nwords);
  ASSERT_EQ(s->znz_nbits, ref.znz_bits.size());
  ASSERT_EQ(s->bpc_nbits, ref.bpc_bits.size());
  const auto ref_znz = ebpc::reference::pack_padded(ref.znz_bits, params.word_nbits);
  const auto ref_bpc = ebpc::reference::pack_padded(ref.bpc_bits, params.word_nbits);
  ASSERT_TRUE(std::equal(ref_znz.begin(), ref_znz.end(), znz.begin()));
  ASSERT_TRUE(std::equal(ref_bpc.begin(), ref_bpc.end(), bpc.begin()));
  std::vector<Word> out(words.size(), Word{0x55});
  auto d = ebpc::decode_streams(ref_znz, ref_bpc, params, std::span<Word>(out));
  ASSERT_TRUE(d.has_value()) << ebpc::error_message(d.error());
  ASSERT_EQ(out, words);
}

TEST(EncodeNarrow, Uint8AndUint16AgainstReference) {
  std::uint64_t seed = 1000;
  const std::size_t lengths[] = {0, 1, 7, 8, 9, 63, 64, 65, 255, 256, 257, 2047, 4095, 4096, 4097, 9000};
  for (unsigned w = 2; w <= 16; ++w) {
    for (unsigned z : {2u, 16u, 256u}) {
      for (std::size_t n : lengths) {
        for (double zeros : {0.0, 0.3, 0.7, 1.0}) {
          const bool smooth = (seed & 1) != 0;
          SCOPED_TRACE("W=" + std::to_string(w) + " Z=" + std::to_string(z) + " n=" + std::to_string(n) +
                       " zeros=" + std::to_string(zeros) + " seed=" + std::to_string(seed));
          std::mt19937_64 rng(seed++);
          const auto words = ebpc::test::random_words(rng, n, w, zeros, smooth);
          const ebpc::EbpcParams params{w, 8, z};
          if (w <= 8) {
            check_narrow<std::uint8_t>(words, params);
          }
          check_narrow<std::uint16_t>(words, params);
          if (HasFatalFailure()) {
            return;
          }
        }
      }
    }
  }
}

// Long zero runs, all-non-zero stretches and extreme values, 100k words.
TEST(EncodeNarrow, BurstsAndExtremes) {
  std::mt19937_64 rng(4242);
  for (unsigned w : {2u, 5u, 8u, 12u, 16u}) {
    std::vector<std::uint32_t> words;
    const std::uint32_t top = (1u << w) - 1;
    while (words.size() < 100000) {
      const std::size_t len = rng() % 700;
      const unsigned kind = static_cast<unsigned>(rng() % 4);
      for (std::size_t i = 0; i < len; ++i) {
        std::uint32_t v = 0;
        if (kind == 1) {
          v = static_cast<std::uint32_t>(rng()) & top;
        } else if (kind == 2) {
          v = (rng() & 1) != 0 ? top : 1u << (w - 1);  // -1 and the most negative value
        } else if (kind == 3) {
          v = static_cast<std::uint32_t>(i % 3);
        }
        words.push_back(v);
      }
    }
    for (unsigned b : {8u, 16u}) {
      SCOPED_TRACE("W=" + std::to_string(w) + " B=" + std::to_string(b));
      const ebpc::EbpcParams params{w, b, 16};
      if (w <= 8) {
        check_narrow<std::uint8_t>(words, params);
      }
      check_narrow<std::uint16_t>(words, params);
    }
  }
}

TEST(EncodeNarrow, BitsAboveWAreRejected) {
  for (unsigned w : {3u, 7u, 12u}) {
    for (std::size_t at : {0u, 100u, 4500u, 8999u}) {
      std::vector<std::uint32_t> words(9000, 1);
      words[at] = 1u << w;
      const ebpc::EbpcParams params{w, 8, 16};
      std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(words.size(), params));
      std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(words.size(), params));
      const std::vector<std::uint16_t> w16(words.begin(), words.end());
      EXPECT_EQ(ebpc::encode_streams(std::span<const std::uint16_t>(w16), params, znz, bpc).error(),
                ebpc::Error::bad_parameter);
      if (w < 8) {
        const std::vector<std::uint8_t> w8(words.begin(), words.end());
        EXPECT_EQ(ebpc::encode_streams(std::span<const std::uint8_t>(w8), params, znz, bpc).error(),
                  ebpc::Error::bad_parameter);
      }
    }
  }
}

}  // namespace
