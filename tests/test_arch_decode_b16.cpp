// The B = 16 decoder's block kernels (src/arch/unplane_b16*.hpp): the SSE2 and AVX2 kernels
// against their scalar twin on seeded random records (the seed is in the failure message):
// valid blocks of several shapes, random bytes (mostly out of range), and valid blocks with
// one damaged block (the range-check flag); and the twin against the words it was built
// from.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/unplane_b16.hpp"
#include "arch/unplane_b16_scalar.hpp"
#include "arch/unplane_b16_sse2.hpp"
#if EBPC_ARCH_HAVE_AVX2
#include "arch/unplane_b16_avx2.hpp"
#endif

namespace {

using ebpc::arch::k_b16_stride;

// Blocks of B = 16 words as the kernel's records (arch/unplane_b16.hpp), with the words
// they came from (valid blocks).
struct Blocks {
  std::size_t nblocks = 0;
  unsigned w = 0;
  std::vector<std::uint8_t> recs;
  std::vector<std::uint16_t> bases;
  std::vector<std::uint16_t> words;  // valid blocks: 16 per block
};

Blocks make_blocks(std::size_t nblocks, unsigned w) {
  Blocks b;
  b.nblocks = nblocks;
  b.w = w;
  b.recs.assign(nblocks * k_b16_stride + 64, 0);
  b.bases.assign(nblocks, 0);
  b.words.assign(nblocks * 16, 0);
  return b;
}

void put_entry(std::uint8_t* rec, unsigned p, unsigned v) {
  const auto e = static_cast<std::uint16_t>(v);
  std::memcpy(rec + 2 * p, &e, 2);
}

// Planes of one block's words -> its record: DBX entries, a zero plane sometimes flagged
// 0x8000 (the '00001' symbol), junk in the entries past W.
void put_record(std::mt19937_64& rng, const unsigned* plane, unsigned w, std::uint8_t* rec) {
  unsigned prev = 0;
  for (unsigned p = 0; p <= w; ++p) {
    put_entry(rec, p, plane[p] == 0 && (rng() & 1) ? 0x8000u : plane[p] ^ prev);
    prev = plane[p];
  }
  for (unsigned p = w + 1; p < k_b16_stride / 2; ++p) {
    put_entry(rec, p, static_cast<unsigned>(rng()));
  }
}

// kind 0: random words; 1: smooth (small deltas); 2: extremes (the range check's edges);
// 3, 4: each block sorted up (the sign plane all zero) or down (all ones), large deltas.
constexpr int k_valid_kinds = 5;
Blocks valid_blocks(std::mt19937_64& rng, std::size_t nblocks, unsigned w, int kind) {
  Blocks b = make_blocks(nblocks, w);
  const std::uint32_t mask = (1u << w) - 1;
  std::uint32_t cur = static_cast<std::uint32_t>(rng()) & mask;
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    std::int64_t sv[16];
    for (unsigned i = 0; i < 16; ++i) {
      std::uint32_t v;
      if (kind == 0) {
        v = static_cast<std::uint32_t>(rng()) & mask;
      } else if (kind == 1) {
        cur = (cur + static_cast<std::uint32_t>(rng() % 5) - 2) & mask;
        v = cur;
      } else {
        const std::uint32_t picks[4] = {0, mask, 1u << (w - 1), mask >> 1};
        v = picks[rng() % 4];
      }
      sv[i] = v >= (1u << (w - 1)) ? std::int64_t{v} - (std::int64_t{1} << w) : std::int64_t{v};
    }
    if (kind == 3) {
      std::sort(sv, sv + 16);
    } else if (kind == 4) {
      std::sort(sv, sv + 16, [](std::int64_t x, std::int64_t y) { return x > y; });
    }
    for (unsigned i = 0; i < 16; ++i) {
      b.words[16 * blk + i] = static_cast<std::uint16_t>(static_cast<std::uint64_t>(sv[i]) & mask);
    }
    unsigned plane[17] = {};
    for (unsigned i = 1; i < 16; ++i) {
      const auto d = static_cast<std::uint64_t>(sv[i] - sv[i - 1]);  // fits W+1 signed bits
      for (unsigned q = 0; q <= w; ++q) {
        plane[q] |= static_cast<unsigned>((d >> q) & 1u) << (15 - i);
      }
    }
    put_record(rng, plane, w, b.recs.data() + blk * k_b16_stride);
    b.bases[blk] = b.words[16 * blk];
  }
  return b;
}

Blocks random_blocks(std::mt19937_64& rng, std::size_t nblocks, unsigned w) {
  Blocks b = make_blocks(nblocks, w);
  for (auto& r : b.recs) {
    r = static_cast<std::uint8_t>(rng());
  }
  for (auto& x : b.bases) {
    x = static_cast<std::uint16_t>(rng() & ((1u << w) - 1));
  }
  return b;
}

// Runs the kernel set over the blocks (an even count), two at a time (narrow for W <= 8,
// else wide): the words (16 a block) and the range-check flag. Also checks that nothing
// past a pair's 32 words is written.
template <class K>
struct Runner {
  static constexpr const char* name = K::k_name;
  static bool available() { return true; }
  static bool unplane2(const std::uint8_t* recs, const std::uint16_t* bases, unsigned w, std::uint8_t* o8,
                       std::uint16_t* o16) {
    const typename K::Consts k = K::consts(w);
    typename K::Bad bad = K::bad_none();
    if (w <= 8) {
      K::unplane2_narrow(recs, bases, k, o8, bad);
    } else {
      K::unplane2_wide(recs, bases, k, o16, bad);
    }
    return K::bad_any(bad);
  }
};

#if EBPC_ARCH_HAVE_AVX2
// The AVX2 kernel called from an AVX2 function.
EBPC_TARGET_AVX2 bool avx2_unplane2(const std::uint8_t* recs, const std::uint16_t* bases, unsigned w,
                                    std::uint8_t* o8, std::uint16_t* o16) {
  using K = ebpc::arch::Avx2UnplaneB16;
  const K::Consts k = K::consts(w);
  K::Bad bad = K::bad_none();
  if (w <= 8) {
    K::unplane2_narrow(recs, bases, k, o8, bad);
  } else {
    K::unplane2_wide(recs, bases, k, o16, bad);
  }
  return K::bad_any(bad);
}
struct Avx2 {
  static constexpr const char* name = "avx2";
  static bool available() { return ebpc::arch::use_avx2(); }
  static bool unplane2(const std::uint8_t* recs, const std::uint16_t* bases, unsigned w, std::uint8_t* o8,
                       std::uint16_t* o16) {
    return avx2_unplane2(recs, bases, w, o8, o16);
  }
};
#endif

template <class R>
std::pair<std::vector<std::uint16_t>, bool> run_unplane(const Blocks& b) {
  EXPECT_EQ(b.nblocks % 2, 0u);
  bool any_bad = false;
  std::vector<std::uint16_t> words(b.nblocks * 16);
  for (std::size_t blk = 0; blk + 1 < b.nblocks; blk += 2) {
    std::uint8_t o8[33];
    std::uint16_t o16[33];
    o8[32] = 0xAB;
    o16[32] = 0xABCD;
    any_bad = R::unplane2(b.recs.data() + blk * k_b16_stride, b.bases.data() + blk, b.w, o8, o16) || any_bad;
    EXPECT_EQ(o8[32], 0xAB);
    EXPECT_EQ(o16[32], 0xABCD);
    for (unsigned i = 0; i < 32; ++i) {
      words[16 * blk + i] = b.w <= 8 ? std::uint16_t{o8[i]} : o16[i];
    }
  }
  return {words, any_bad};
}

using Scalar = Runner<ebpc::arch::ScalarUnplaneB16>;

std::string trace(std::uint64_t seed, unsigned w, const char* what) {
  return std::string(what) + " seed=" + std::to_string(seed) + " w=" + std::to_string(w);
}

// The scalar twin rebuilds the words of valid blocks and flags none of them.
TEST(ArchDecodeB16, ScalarUnplaneRebuildsValidBlocks) {
  for (std::uint64_t seed = 100; seed < 160; ++seed) {
    std::mt19937_64 rng(seed);
    for (unsigned w = 2; w <= 16; ++w) {
      const Blocks b = valid_blocks(rng, 2 * (1 + rng() % 10), w, static_cast<int>(seed % k_valid_kinds));
      SCOPED_TRACE(trace(seed, w, "valid"));
      const auto [words, bad] = run_unplane<Scalar>(b);
      ASSERT_FALSE(bad);
      ASSERT_EQ(words, b.words);
    }
  }
}

// One damaged block among valid ones: a flipped bit of the sign plane moves one delta by
// 2^W, so its word leaves the W-bit range; the twin must say so.
template <class R>
void check_finds_bad_block() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  int flagged = 0;
  for (std::uint64_t seed = 2000; seed < 2300; ++seed) {
    std::mt19937_64 rng(seed);
    const unsigned w = 2 + static_cast<unsigned>(rng() % 15);
    const std::size_t nblocks = 2 * (1 + rng() % 6);
    Blocks b = valid_blocks(rng, nblocks, w, static_cast<int>(seed % k_valid_kinds));
    const std::size_t victim = rng() % nblocks;
    std::uint8_t* rec = b.recs.data() + victim * k_b16_stride;
    std::uint16_t e;
    std::memcpy(&e, rec + 2 * w, 2);
    e = static_cast<std::uint16_t>(e ^ (1u << (rng() % 15)));
    std::memcpy(rec + 2 * w, &e, 2);
    SCOPED_TRACE(trace(seed, w, R::name) + " victim=" + std::to_string(victim));
    const auto want = run_unplane<Scalar>(b);
    const auto got = run_unplane<R>(b);
    ASSERT_TRUE(want.second);
    ASSERT_TRUE(got.second);
    ASSERT_EQ(got.first, want.first);  // the words are still the same (mod 2^W)
    ++flagged;
  }
  EXPECT_EQ(flagged, 300);
}

TEST(ArchDecodeB16, ScalarUnplaneFindsOneBadBlock) { check_finds_bad_block<Scalar>(); }

template <class R>
void check_matches_scalar() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  for (std::uint64_t seed = 1000; seed < 1060; ++seed) {
    std::mt19937_64 rng(seed);
    for (unsigned w = 2; w <= 16; ++w) {
      for (int kind = 0; kind <= k_valid_kinds; ++kind) {
        const std::size_t nblocks = 2 * (1 + rng() % 12);
        const Blocks b = kind < k_valid_kinds ? valid_blocks(rng, nblocks, w, kind) : random_blocks(rng, nblocks, w);
        SCOPED_TRACE(trace(seed, w, R::name) + " kind=" + std::to_string(kind));
        const auto want = run_unplane<Scalar>(b);
        const auto got = run_unplane<R>(b);
        ASSERT_EQ(got.second, want.second);
        ASSERT_EQ(got.first, want.first);
        if (kind < k_valid_kinds) {
          ASSERT_FALSE(got.second);
          ASSERT_EQ(got.first, b.words);
        }
      }
    }
  }
}

// One pair at a time, random or valid with a random flip anywhere in the planes 0..W of
// either block: the flag of each pair alone agrees.
template <class R>
void check_flags_per_pair() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  int bad_pairs = 0;
  for (std::uint64_t seed = 6000; seed < 6600; ++seed) {
    std::mt19937_64 rng(seed);
    const unsigned w = 2 + static_cast<unsigned>(seed % 15);
    Blocks b = seed % 3 == 0 ? random_blocks(rng, 2, w) : valid_blocks(rng, 2, w, static_cast<int>(seed % 5));
    if (seed % 3 == 1) {
      const unsigned p = static_cast<unsigned>(rng() % (w + 1));
      b.recs[(rng() % 2) * k_b16_stride + 2 * p + rng() % 2] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    }
    SCOPED_TRACE(trace(seed, w, R::name));
    const auto want = run_unplane<Scalar>(b);
    const auto got = run_unplane<R>(b);
    ASSERT_EQ(got.second, want.second);
    ASSERT_EQ(got.first, want.first);
    bad_pairs += want.second ? 1 : 0;
  }
  if (R::available()) {
    EXPECT_GT(bad_pairs, 200);
    EXPECT_LT(bad_pairs, 590);
  }
}

#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
using Sse2 = Runner<ebpc::arch::Sse2UnplaneB16>;
TEST(ArchDecodeB16, Sse2UnplaneMatchesScalar) { check_matches_scalar<Sse2>(); }
TEST(ArchDecodeB16, Sse2UnplaneFlagsPerPairMatchScalar) { check_flags_per_pair<Sse2>(); }
TEST(ArchDecodeB16, Sse2UnplaneFindsOneBadBlock) { check_finds_bad_block<Sse2>(); }
#endif
#if EBPC_ARCH_HAVE_AVX2
TEST(ArchDecodeB16, Avx2UnplaneMatchesScalar) { check_matches_scalar<Avx2>(); }
TEST(ArchDecodeB16, Avx2UnplaneFlagsPerPairMatchScalar) { check_flags_per_pair<Avx2>(); }
TEST(ArchDecodeB16, Avx2UnplaneFindsOneBadBlock) { check_finds_bad_block<Avx2>(); }
#endif

}  // namespace
