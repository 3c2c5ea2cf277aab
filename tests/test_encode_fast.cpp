// The one B = 8 / B = 16 encoder body (src/codec/ebpc_encode_body.hpp), each instantiation
// (baseline: SSE2 or scalar kernels; AVX2 + BMI2 where the CPU has it; the scalar twins,
// built here) against the reference coder, bit for bit, and the OR of the words it returns,
// for W = 2..16, Z = 2, 16, 256, uint8 / uint16 / uint32 words, lengths across the 64-word
// masks, the 32-block groups and the 4096-word segments. Seeds are in the failure messages.
#include <gtest/gtest.h>

#include <ebpc/ebpc.hpp>

#include <random>
#include <string>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/encode_kernels.hpp"
#include "codec/ebpc_encode_fast.hpp"
#include "codec/reference/ebpc_reference.hpp"
#include "testutil.hpp"

// A third instantiation, with the scalar twins (what targets without SSE2 build), so that
// it is built and checked on x86-64 too.
#define EBPC_ENCODE_TARGET
#define EBPC_ENCODE_NAMESPACE encode_scalar_test
#define EBPC_ENCODE_KERNELS ::ebpc::arch::EncodeKernelsScalar
#include "codec/ebpc_encode_body.hpp"
#undef EBPC_ENCODE_TARGET
#undef EBPC_ENCODE_NAMESPACE
#undef EBPC_ENCODE_KERNELS

namespace {

enum class Body { scalar_twins, baseline, avx2 };

template <class Word>
std::uint64_t encode_with(Body body, std::span<const Word> words, unsigned w, unsigned z, ebpc::WideBitWriter& znz,
                          ebpc::WideBitWriter& bpc, unsigned b = 8) {
  switch (body) {
    case Body::scalar_twins: return ebpc::detail::encode_scalar_test::encode(words, w, b, z, znz, bpc);
    case Body::baseline: return ebpc::detail::encode_baseline::encode(words, w, b, z, znz, bpc);
    default:
#if EBPC_ARCH_HAVE_AVX2
      return ebpc::detail::encode_avx2::encode(words, w, b, z, znz, bpc);
#else
      return 0;
#endif
  }
}

template <class Word>
void check(Body body, const std::vector<std::uint32_t>& words32, unsigned w, unsigned z, unsigned b) {
  const std::vector<Word> words(words32.begin(), words32.end());
  const ebpc::EbpcParams params{w, b, z};
  std::vector<std::uint8_t> znz_buf(ebpc::ebpc_znz_bound_nbytes(words.size(), params), 0xAA);
  std::vector<std::uint8_t> bpc_buf(ebpc::ebpc_bpc_bound_nbytes(words.size(), params), 0xAA);
  ebpc::WideBitWriter znz(znz_buf);
  ebpc::WideBitWriter bpc(bpc_buf);
  const std::uint64_t all = encode_with(body, std::span<const Word>(words), w, z, znz, bpc, b);
  std::uint64_t all_ref = 0;
  for (const Word x : words) {
    all_ref |= x;
  }
  ASSERT_EQ(all, all_ref);
  const std::vector<std::uint64_t> values(words.begin(), words.end());
  const auto ref = ebpc::reference::encode(values, w, b, z);
  ASSERT_EQ(znz.nbits(), ref.znz_bits.size());
  ASSERT_EQ(bpc.nbits(), ref.bpc_bits.size());
  znz.finish(w);
  bpc.finish(w);
  const auto ref_znz = ebpc::reference::pack_padded(ref.znz_bits, w);
  const auto ref_bpc = ebpc::reference::pack_padded(ref.bpc_bits, w);
  ASSERT_TRUE(std::equal(ref_znz.begin(), ref_znz.end(), znz_buf.begin()));
  ASSERT_TRUE(std::equal(ref_bpc.begin(), ref_bpc.end(), bpc_buf.begin()));
}

// Words whose B = 16 blocks reach every symbol: runs of equal words, steps of +-1 and +-2,
// isolated and paired changes, alternating extremes, random words; zeros in between.
std::vector<std::uint32_t> structured_words(std::mt19937_64& rng, std::size_t n, unsigned w, double zeros) {
  std::vector<std::uint32_t> v(n);
  const std::uint32_t mask = (1u << w) - 1;
  std::uint32_t cur = static_cast<std::uint32_t>(rng()) & mask;
  unsigned kind = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 16 == 0) {
      kind = static_cast<unsigned>(rng() % 7);
    }
    switch (kind) {
      case 0: break;                                                              // constant
      case 1: cur += 1; break;                                                    // ramp: DBX all ones
      case 2: cur += (rng() % 16 == 0) ? 1u : 0u; break;                            // one change: one '1'
      case 3: cur += (i % 16 == 7 || i % 16 == 8) ? static_cast<std::uint32_t>(rng() % 3) : 0; break;
      case 4: cur = (i & 1) != 0 ? mask : 1u << (w - 1); break;                   // extremes
      case 5: cur += static_cast<std::uint32_t>(rng() % 5) - 2; break;            // smooth
      default: cur = static_cast<std::uint32_t>(rng()); break;                    // random
    }
    cur &= mask;
    v[i] = std::uniform_real_distribution<double>(0, 1)(rng) < zeros ? 0 : cur;
  }
  return v;
}

void check_body(Body body, unsigned b = 8) {
  std::uint64_t seed = 5000 + static_cast<std::uint64_t>(body) * 100000 + (b == 16 ? 50000 : 0);
  const std::size_t lengths[] = {0, 1, 8, 63, 64, 65, 255, 256, 257, 4095, 4096, 4097, 9000};
  for (unsigned w = 2; w <= 16; ++w) {
    for (unsigned z : {2u, 16u, 256u}) {
      for (std::size_t n : lengths) {
        for (double zeros : {0.0, 0.4, 0.9}) {
          SCOPED_TRACE("W=" + std::to_string(w) + " Z=" + std::to_string(z) + " n=" + std::to_string(n) +
                       " zeros=" + std::to_string(zeros) + " seed=" + std::to_string(seed));
          std::mt19937_64 rng(seed++);
          const auto words = b == 16 && (seed % 3) != 0 ? structured_words(rng, n, w, zeros)
                                                        : ebpc::test::random_words(rng, n, w, zeros, (seed & 1) != 0);
          if (w <= 8) {
            check<std::uint8_t>(body, words, w, z, b);
          }
          check<std::uint16_t>(body, words, w, z, b);
          check<std::uint32_t>(body, words, w, z, b);
          if (::testing::Test::HasFatalFailure()) {
            return;
          }
        }
      }
    }
  }
}

TEST(EncodeB8, ScalarTwinsBodyMatchesReference) { check_body(Body::scalar_twins); }

TEST(EncodeB8, BaselineBodyMatchesReference) { check_body(Body::baseline); }

TEST(EncodeB8, Avx2BodyMatchesReference) {
#if EBPC_ARCH_HAVE_AVX2
  if (!ebpc::arch::use_avx2()) {
    GTEST_SKIP() << "this CPU (or EBPC_ISA=baseline) has no AVX2 + BMI2";
  }
  check_body(Body::avx2);
#else
  GTEST_SKIP() << "no AVX2 build on this target";
#endif
}

TEST(EncodeB16, ScalarTwinsBodyMatchesReference) { check_body(Body::scalar_twins, 16); }

TEST(EncodeB16, BaselineBodyMatchesReference) { check_body(Body::baseline, 16); }

TEST(EncodeB16, Avx2BodyMatchesReference) {
#if EBPC_ARCH_HAVE_AVX2
  if (!ebpc::arch::use_avx2()) {
    GTEST_SKIP() << "this CPU (or EBPC_ISA=baseline) has no AVX2 + BMI2";
  }
  check_body(Body::avx2, 16);
#else
  GTEST_SKIP() << "no AVX2 build on this target";
#endif
}

// Bits above W: the returned OR shows them (the caller's bad_parameter), in every body.
TEST(EncodeB8, OrOfWordsShowsBitsAboveW) {
  for (const Body body : {Body::scalar_twins, Body::baseline, Body::avx2}) {
#if EBPC_ARCH_HAVE_AVX2
    if (body == Body::avx2 && !ebpc::arch::use_avx2()) {
      continue;
    }
#else
    if (body == Body::avx2) {
      continue;
    }
#endif
    for (const std::size_t at : {0u, 63u, 64u, 5000u, 8191u}) {
      std::vector<std::uint16_t> words(8192, 3);
      words[at] = 0x100;  // bit 8, above W = 8
      std::vector<std::uint8_t> a(ebpc::ebpc_znz_bound_nbytes(words.size(), {8, 8, 16}));
      std::vector<std::uint8_t> b(ebpc::ebpc_bpc_bound_nbytes(words.size(), {8, 8, 16}));
      ebpc::WideBitWriter znz(a);
      ebpc::WideBitWriter bpc(b);
      const std::uint64_t all = encode_with(body, std::span<const std::uint16_t>(words), 8, 16, znz, bpc);
      EXPECT_EQ(all, 0x103u) << "body " << static_cast<int>(body) << " at " << at;
    }
  }
}

}  // namespace
