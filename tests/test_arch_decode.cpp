// The B = 8 decoder's kernels (src/arch/unplane_b8*.hpp): every SIMD kernel against its
// scalar twin on seeded random inputs (the seed is in the failure message), with knobs for
// width, sparsity, length and damage; the scalar twin against words it was built from; the
// range-check flag on damaged blocks; and the encoder's planes (arch/bitplane.hpp) turned
// back into the same words.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/encode_kernels.hpp"
#include "arch/unplane_b8.hpp"
#include "arch/unplane_b8_scalar.hpp"
#include "arch/unplane_b8_sse2.hpp"
#if EBPC_ARCH_HAVE_AVX2
#include "arch/unplane_b8_avx2.hpp"
#endif

#include "arch/unplane_b8_runners.hpp"

namespace {

using ebpc::arch::k_narrow_stride;
using ebpc::arch::k_wide_stride;

// A kernel set as the tests call it: R::unplane, R::scatter_narrow<Word>, ...
template <class K>
struct Plain {
  static constexpr const char* name = K::k_name;
  static bool available() { return true; }
  static bool unplane(const std::uint8_t* r, const std::uint8_t* b8, const std::uint16_t* b16, std::size_t n,
                      unsigned w, std::uint8_t* o8, std::uint16_t* o16) {
    return runners_plain::unplane<K>(r, b8, b16, n, w, o8, o16);
  }
  template <class Word>
  static void scatter_narrow(const std::uint8_t* m, std::size_t len, const std::uint8_t* src, Word* o) {
    runners_plain::scatter_narrow<K>(m, len, src, o);
  }
  template <class Word>
  static void scatter_wide(const std::uint8_t* m, std::size_t len, const std::uint16_t* src, Word* o) {
    runners_plain::scatter_wide<K>(m, len, src, o);
  }
  static bool any_zero_u8(const std::uint8_t* v, std::size_t n) { return runners_plain::any_zero_u8<K>(v, n); }
  static bool any_zero_u16(const std::uint16_t* v, std::size_t n) { return runners_plain::any_zero_u16<K>(v, n); }
  static std::uint64_t low_ones(unsigned n) { return runners_plain::low_ones<K>(n); }
  static unsigned popcount64(std::uint64_t x) { return runners_plain::popcount64<K>(x); }
};
using Scalar = Plain<ebpc::arch::ScalarDecodeKernels>;

#if EBPC_ARCH_HAVE_AVX2
struct Avx2 {
  using K = ebpc::arch::Avx2DecodeKernels;
  static constexpr const char* name = K::k_name;
  static bool available() { return ebpc::arch::use_avx2(); }
  static bool unplane(const std::uint8_t* r, const std::uint8_t* b8, const std::uint16_t* b16, std::size_t n,
                      unsigned w, std::uint8_t* o8, std::uint16_t* o16) {
    return runners_avx2::unplane<K>(r, b8, b16, n, w, o8, o16);
  }
  template <class Word>
  static void scatter_narrow(const std::uint8_t* m, std::size_t len, const std::uint8_t* src, Word* o) {
    runners_avx2::scatter_narrow<K>(m, len, src, o);
  }
  template <class Word>
  static void scatter_wide(const std::uint8_t* m, std::size_t len, const std::uint16_t* src, Word* o) {
    runners_avx2::scatter_wide<K>(m, len, src, o);
  }
  static bool any_zero_u8(const std::uint8_t* v, std::size_t n) { return runners_avx2::any_zero_u8<K>(v, n); }
  static bool any_zero_u16(const std::uint16_t* v, std::size_t n) { return runners_avx2::any_zero_u16<K>(v, n); }
  static std::uint64_t low_ones(unsigned n) { return runners_avx2::low_ones<K>(n); }
  static unsigned popcount64(std::uint64_t x) { return runners_avx2::popcount64<K>(x); }
};
#endif

// Blocks of B = 8 words as the decoder's records (arch/unplane_b8.hpp), with the words
// they came from (valid blocks) or random bytes (mostly out of range).
struct Blocks {
  std::size_t nblocks = 0;
  unsigned w = 0;
  std::vector<std::uint8_t> recs;
  std::vector<std::uint8_t> bases8;
  std::vector<std::uint16_t> bases16;
  std::vector<std::uint16_t> words;  // valid blocks: 8 per block
  std::size_t stride() const { return w <= 8 ? k_narrow_stride : k_wide_stride; }
};

Blocks make_blocks(std::size_t nblocks, unsigned w) {
  Blocks b;
  b.nblocks = nblocks;
  b.w = w;
  b.recs.assign(nblocks * b.stride() + 64, 0);
  b.bases8.assign(nblocks + 4, 0);
  b.bases16.assign(nblocks + 4, 0);
  b.words.assign(nblocks * 8, 0);
  return b;
}

// Planes of one block's words -> its record: DBX bytes, a zero plane sometimes flagged 0x80
// (the '00001' symbol), junk past byte W.
void put_record(std::mt19937_64& rng, const unsigned* plane, unsigned w, std::uint8_t* rec, std::size_t stride) {
  unsigned prev = 0;
  for (unsigned p = 0; p <= w; ++p) {
    rec[p] = static_cast<std::uint8_t>(plane[p] == 0 && (rng() & 1) ? 0x80u : plane[p] ^ prev);
    prev = plane[p];
  }
  for (std::size_t p = w + 1; p < stride; ++p) {
    rec[p] = static_cast<std::uint8_t>(rng());
  }
}

// kind 0: random words; 1: smooth (small deltas); 2: extremes (the range check's edges);
// 3, 4: each block sorted up (the sign plane all zero, so sometimes flagged 0x80) or down
// (all ones), with large deltas.
constexpr int k_valid_kinds = 5;
Blocks valid_blocks(std::mt19937_64& rng, std::size_t nblocks, unsigned w, int kind) {
  Blocks b = make_blocks(nblocks, w);
  const std::uint32_t mask = (1u << w) - 1;
  std::uint32_t cur = static_cast<std::uint32_t>(rng()) & mask;
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    std::int64_t sv[8];
    for (unsigned i = 0; i < 8; ++i) {
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
      b.words[8 * blk + i] = static_cast<std::uint16_t>(v);
      sv[i] = v >= (1u << (w - 1)) ? std::int64_t{v} - (std::int64_t{1} << w) : std::int64_t{v};
    }
    if (kind >= 3) {
      if (kind == 3) {
        std::sort(sv, sv + 8);
      } else {
        std::sort(sv, sv + 8, [](std::int64_t x, std::int64_t y) { return x > y; });
      }
      for (unsigned i = 0; i < 8; ++i) {
        b.words[8 * blk + i] = static_cast<std::uint16_t>(static_cast<std::uint64_t>(sv[i]) & mask);
      }
    }
    unsigned plane[17] = {};
    for (unsigned i = 1; i < 8; ++i) {
      const auto d = static_cast<std::uint64_t>(sv[i] - sv[i - 1]);  // fits W+1 signed bits
      for (unsigned q = 0; q <= w; ++q) {
        plane[q] |= static_cast<unsigned>((d >> q) & 1u) << (7 - i);
      }
    }
    put_record(rng, plane, w, b.recs.data() + blk * b.stride(), b.stride());
    b.bases16[blk] = b.words[8 * blk];
    b.bases8[blk] = static_cast<std::uint8_t>(w <= 8 ? b.words[8 * blk] << (8 - w) : 0);
  }
  return b;
}

Blocks random_blocks(std::mt19937_64& rng, std::size_t nblocks, unsigned w) {
  Blocks b = make_blocks(nblocks, w);
  for (auto& r : b.recs) {
    r = static_cast<std::uint8_t>(rng());
  }
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    b.bases16[blk] = static_cast<std::uint16_t>(rng() & ((1u << w) - 1));
    b.bases8[blk] = static_cast<std::uint8_t>(w <= 8 ? b.bases16[blk] << (8 - w) : 0);
  }
  return b;
}

// Runs R on the blocks: the words (W-bit patterns, 8 a block) and the range-check flag.
template <class R>
std::pair<std::vector<std::uint16_t>, bool> run_unplane(const Blocks& b) {
  std::vector<std::uint8_t> o8(b.nblocks * 8 + 32, 0xAB);
  std::vector<std::uint16_t> o16(b.nblocks * 8 + 32, 0xABCD);
  const bool bad = R::unplane(b.recs.data(), b.bases8.data(), b.bases16.data(), b.nblocks, b.w, o8.data(), o16.data());
  std::vector<std::uint16_t> words(b.nblocks * 8);
  for (std::size_t k = 0; k < words.size(); ++k) {
    words[k] = b.w <= 8 ? o8[k] : o16[k];
  }
  return {words, bad};
}

std::string trace(std::uint64_t seed, unsigned w, const char* what) {
  return std::string(what) + " seed=" + std::to_string(seed) + " w=" + std::to_string(w);
}

// The scalar twin rebuilds the words of valid blocks and flags none of them.
TEST(ArchDecode, ScalarUnplaneRebuildsValidBlocks) {
  for (std::uint64_t seed = 100; seed < 160; ++seed) {
    std::mt19937_64 rng(seed);
    for (unsigned w = 2; w <= 16; ++w) {
      const Blocks b = valid_blocks(rng, 4 * (1 + rng() % 9), w, static_cast<int>(seed % k_valid_kinds));
      SCOPED_TRACE(trace(seed, w, "valid"));
      const auto [words, bad] = run_unplane<Scalar>(b);
      ASSERT_FALSE(bad);
      ASSERT_EQ(words, b.words);
    }
  }
}

template <class R>
void check_unplane_twin() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  for (std::uint64_t seed = 1000; seed < 1040; ++seed) {
    std::mt19937_64 rng(seed);
    for (unsigned w = 2; w <= 16; ++w) {
      for (int kind = 0; kind <= k_valid_kinds; ++kind) {
        const std::size_t nblocks = 4 * (1 + rng() % 9);
        const Blocks b =
            kind < k_valid_kinds ? valid_blocks(rng, nblocks, w, kind) : random_blocks(rng, nblocks, w);
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

// One damaged block among valid ones: a flipped bit of the sign plane (DBP[W]) moves one
// delta by 2^W, so its word leaves the W-bit range; every kernel must say so.
template <class R>
void check_unplane_finds_bad_block() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  int flagged = 0;
  for (std::uint64_t seed = 2000; seed < 2200; ++seed) {
    std::mt19937_64 rng(seed);
    const unsigned w = 2 + static_cast<unsigned>(rng() % 15);
    const std::size_t nblocks = 4 * (1 + rng() % 6);
    Blocks b = valid_blocks(rng, nblocks, w, static_cast<int>(seed % k_valid_kinds));
    const std::size_t victim = rng() % nblocks;
    b.recs[victim * b.stride() + w] ^= static_cast<std::uint8_t>(1u << (rng() % 7));
    SCOPED_TRACE(trace(seed, w, R::name) + " victim=" + std::to_string(victim));
    const auto want = run_unplane<Scalar>(b);
    const auto got = run_unplane<R>(b);
    ASSERT_TRUE(want.second);
    ASSERT_TRUE(got.second);
    ASSERT_EQ(got.first, want.first);  // the words are still the same (mod 2^W)
    ++flagged;
  }
  EXPECT_EQ(flagged, 200);
}

// The encoder's planes (arch/encode_kernels.hpp, EncodeKernelsScalar::planes_group: bit i of a plane
// byte = d[i]) as DBX records (bit 6 - (i - 1)): the decoder's kernels give back the
// encoder's words.
template <class R>
void check_encoder_planes_round_trip() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  for (std::uint64_t seed = 3000; seed < 3060; ++seed) {
    std::mt19937_64 rng(seed);
    const unsigned w = 2 + static_cast<unsigned>(rng() % 15);
    const std::size_t nblocks = 4 * (1 + rng() % 5);
    std::vector<std::uint16_t> top(nblocks * 8);
    for (auto& t : top) {
      t = static_cast<std::uint16_t>((rng() & ((1u << w) - 1)) << (16 - w));
    }
    std::vector<std::uint16_t> nz(8 * ebpc::arch::k_group, 0);
    for (std::size_t i = 0; i < top.size(); ++i) {
      nz[i] = static_cast<std::uint16_t>(top[i] >> (16 - w));
    }
    ebpc::arch::EncodeGroup g{};
    ebpc::arch::EncodeKernelsScalar::planes_group<0>(nz.data(), w, g);
    Blocks b = make_blocks(nblocks, w);
    for (std::size_t blk = 0; blk < nblocks; ++blk) {
      unsigned plane[17] = {};
      for (unsigned p = 0; p <= w; ++p) {
        for (unsigned i = 1; i < 8; ++i) {
          plane[p] |= ((unsigned{g.planes[p][blk]} >> i) & 1u) << (7 - i);
        }
      }
      put_record(rng, plane, w, b.recs.data() + blk * b.stride(), b.stride());
      b.bases16[blk] = static_cast<std::uint16_t>(top[8 * blk] >> (16 - w));
      b.bases8[blk] = static_cast<std::uint8_t>(w <= 8 ? b.bases16[blk] << (8 - w) : 0);
      for (unsigned i = 0; i < 8; ++i) {
        b.words[8 * blk + i] = static_cast<std::uint16_t>(top[8 * blk + i] >> (16 - w));
      }
    }
    SCOPED_TRACE(trace(seed, w, R::name));
    const auto got = run_unplane<R>(b);
    ASSERT_FALSE(got.second);
    ASSERT_EQ(got.first, b.words);
  }
}

// Masks of len words (bits >= len clear, whole uint64 groups), with a density of set bits.
std::vector<std::uint64_t> random_masks(std::mt19937_64& rng, std::size_t len, double density) {
  std::vector<std::uint64_t> m(len / 64 + 2, 0);
  std::bernoulli_distribution set(density);
  for (std::size_t i = 0; i < len; ++i) {
    if (set(rng)) {
      m[i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  return m;
}

template <class R, class Word, bool kWide>
void check_scatter_one(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  using Val = std::conditional_t<kWide, std::uint16_t, std::uint8_t>;
  for (std::size_t len : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{63},
                          std::size_t{64}, std::size_t{65}, std::size_t{1000}, std::size_t{1024},
                          std::size_t{1 + rng() % 1024}}) {
    for (double density : {0.0, 0.1, 0.5, 0.9, 1.0}) {
      const auto masks = random_masks(rng, len, density);
      std::vector<Val> src(len + 64);
      for (auto& v : src) {
        v = static_cast<Val>(rng());
      }
      std::vector<Word> want(len + 16, Word(0x5A)), got(len + 16, Word(0x5A));
      const auto* mbytes = reinterpret_cast<const std::uint8_t*>(masks.data());
      if constexpr (kWide) {
        Scalar::scatter_wide(mbytes, len, src.data(), want.data());
        R::scatter_wide(mbytes, len, src.data(), got.data());
      } else {
        Scalar::scatter_narrow(mbytes, len, src.data(), want.data());
        R::scatter_narrow(mbytes, len, src.data(), got.data());
      }
      SCOPED_TRACE("seed=" + std::to_string(seed) + " len=" + std::to_string(len) + " density=" +
                   std::to_string(density) + " word bytes=" + std::to_string(sizeof(Word)));
      ASSERT_EQ(got, want);  // including the words past len: untouched
      // The twin itself: the set bits take the source words in order, the others are 0.
      std::size_t k = 0;
      for (std::size_t i = 0; i < len; ++i) {
        const bool set = ((masks[i / 64] >> (i % 64)) & 1u) != 0;
        ASSERT_EQ(want[i], set ? static_cast<Word>(src[k++]) : Word{0}) << i;
      }
      ASSERT_EQ(want[len], Word(0x5A));
    }
  }
}

template <class R>
void check_scatter_twin() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  for (std::uint64_t seed = 4000; seed < 4010; ++seed) {
    check_scatter_one<R, std::uint8_t, false>(seed);
    check_scatter_one<R, std::uint16_t, false>(seed);
    check_scatter_one<R, std::uint32_t, false>(seed);
    check_scatter_one<R, std::uint16_t, true>(seed);
    check_scatter_one<R, std::uint32_t, true>(seed);
  }
}

template <class R>
void check_small_twins() {
  if (!R::available()) {
    GTEST_SKIP() << R::name << " not usable here";
  }
  for (std::uint64_t seed = 5000; seed < 5020; ++seed) {
    std::mt19937_64 rng(seed);
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                              std::size_t{31}, std::size_t{32}, std::size_t{33}, std::size_t{1024},
                              std::size_t{rng() % 200}}) {
      std::vector<std::uint8_t> v8(count + 32, 0);
      std::vector<std::uint16_t> v16(count + 32, 0);
      for (std::size_t k = 0; k < count; ++k) {
        v8[k] = static_cast<std::uint8_t>(1 + rng() % 255);
        v16[k] = static_cast<std::uint16_t>(1 + rng() % 65535);
      }
      const bool plant = count != 0 && (rng() & 1) != 0;
      if (plant) {
        v8[rng() % count] = 0;
        v16[rng() % count] = 0;
      }
      SCOPED_TRACE("seed=" + std::to_string(seed) + " count=" + std::to_string(count) + " plant=" +
                   std::to_string(plant));
      ASSERT_EQ(Scalar::any_zero_u8(v8.data(), count), plant);
      ASSERT_EQ(Scalar::any_zero_u16(v16.data(), count), plant);
      ASSERT_EQ(R::any_zero_u8(v8.data(), count), plant);
      ASSERT_EQ(R::any_zero_u16(v16.data(), count), plant);
    }
    for (unsigned n = 0; n < 64; ++n) {
      ASSERT_EQ(R::low_ones(n), Scalar::low_ones(n)) << n;
      ASSERT_EQ(static_cast<unsigned>(std::popcount(Scalar::low_ones(n))), n);
    }
    for (int k = 0; k < 100; ++k) {
      const std::uint64_t x = rng() & rng();
      ASSERT_EQ(R::popcount64(x), Scalar::popcount64(x)) << "seed=" << seed << " x=" << x;
    }
  }
}

#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
using Sse2 = Plain<ebpc::arch::Sse2DecodeKernels>;
TEST(ArchDecode, Sse2UnplaneMatchesScalar) { check_unplane_twin<Sse2>(); }
TEST(ArchDecode, Sse2UnplaneFindsOneBadBlock) { check_unplane_finds_bad_block<Sse2>(); }
TEST(ArchDecode, Sse2UnplaneOfEncoderPlanes) { check_encoder_planes_round_trip<Sse2>(); }
TEST(ArchDecode, Sse2ScatterMatchesScalar) { check_scatter_twin<Sse2>(); }
TEST(ArchDecode, Sse2SmallKernelsMatchScalar) { check_small_twins<Sse2>(); }
#endif
#if EBPC_ARCH_HAVE_AVX2
TEST(ArchDecode, Avx2UnplaneMatchesScalar) { check_unplane_twin<Avx2>(); }
TEST(ArchDecode, Avx2UnplaneFindsOneBadBlock) { check_unplane_finds_bad_block<Avx2>(); }
TEST(ArchDecode, Avx2UnplaneOfEncoderPlanes) { check_encoder_planes_round_trip<Avx2>(); }
TEST(ArchDecode, Avx2ScatterMatchesScalar) { check_scatter_twin<Avx2>(); }
TEST(ArchDecode, Avx2SmallKernelsMatchScalar) { check_small_twins<Avx2>(); }
#endif
TEST(ArchDecode, ScalarUnplaneFindsOneBadBlock) { check_unplane_finds_bad_block<Scalar>(); }
TEST(ArchDecode, ScalarUnplaneOfEncoderPlanes) { check_encoder_planes_round_trip<Scalar>(); }
TEST(ArchDecode, ScalarSmallKernels) { check_small_twins<Scalar>(); }

}  // namespace
