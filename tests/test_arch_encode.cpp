// The EBPC B = 8 encoder kernels (src/arch/encode_kernels*.hpp): every kernel of the SSE2 and
// the AVX2 + BMI2 policies against its scalar twin on seeded random inputs (the seed is in
// the failure message), for W = 2..16, uint8 / uint16 / uint32 words and inputs chosen to
// reach every symbol of docs/stream-format.md "BPC symbols" (zero runs of every length, DBP
// all zero, DBX all ones, one one, two adjacent ones, raw DBX).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/encode_kernels.hpp"
#include "arch/encode_kernels_avx2.hpp"
#include "arch/encode_kernel_calls.hpp"
#include "arch/encode_kernels_sse2.hpp"

namespace {

using ebpc::arch::EncodeKernelsScalar;
using ebpc::arch::EncodeGroup;
using ebpc::arch::k_group;

std::string trace(std::uint64_t seed, unsigned w) { return "seed=" + std::to_string(seed) + " w=" + std::to_string(w); }

// W-bit patterns, kind 0: random, 1: smooth (small deltas), 2: extremes, 3: sparse small.
template <class Word>
std::vector<Word> random_words(std::mt19937_64& rng, std::size_t n, unsigned w, int kind) {
  std::vector<Word> v(n);
  const std::uint32_t mask = (1u << w) - 1;
  std::uint32_t cur = static_cast<std::uint32_t>(rng()) & mask;
  for (auto& x : v) {
    std::uint32_t y;
    switch (kind) {
      case 0: y = static_cast<std::uint32_t>(rng()) & mask; break;
      case 1: cur = (cur + static_cast<std::uint32_t>(rng() % 5) - 2) & mask; y = cur; break;
      case 2: {
        const std::uint32_t picks[4] = {0, mask, 1u << (w - 1), mask >> 1};
        y = picks[rng() % 4];
        break;
      }
      default: y = rng() % 3 == 0 ? static_cast<std::uint32_t>(rng() % 4) & mask : 0; break;
    }
    x = static_cast<Word>(y);
  }
  return v;
}

// Planes that reach every symbol: rows copied from the row below (zero DBX, runs), all-zero
// rows, rows one or two adjacent bits away from the row below, all ones, random.
void random_planes(std::mt19937_64& rng, unsigned w, EncodeGroup& g) {
  for (unsigned j = 0; j < k_group; ++j) {
    for (unsigned p = 0; p <= w; ++p) {
      const unsigned below = p > 0 ? g.planes[p - 1][j] : 0u;
      unsigned v = 0;
      switch (rng() % 7) {
        case 0: case 1: v = below; break;
        case 2: v = 0; break;
        case 3: v = below ^ (2u << (rng() % 7)); break;
        case 4: v = below ^ (3u << (1 + rng() % 6)); break;
        case 5: v = below ^ 0xfeu; break;
        default: v = static_cast<unsigned>(rng()); break;
      }
      g.planes[p][j] = static_cast<std::uint8_t>(v | (rng() & 1));  // bit 0 is ignored
    }
  }
}

using ebpc::arch::encode_calls::ScalarCalls;
#if defined(__SSE2__)
using ebpc::arch::encode_calls::Sse2Calls;
#endif
#if EBPC_ARCH_HAVE_AVX2
using ebpc::arch::encode_calls::Avx2Calls;
#endif


template <class K, class Word>
void check_masks_and_compaction(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (unsigned w = 2; w <= std::min(16u, static_cast<unsigned>(sizeof(Word) * 8)); ++w) {
    for (int kind = 0; kind < 4; ++kind) {
      SCOPED_TRACE(trace(seed, w) + " kind=" + std::to_string(kind));
      constexpr unsigned k_ngroups = 5;
      const auto words = random_words<Word>(rng, 64 * k_ngroups, w, kind);
      std::uint64_t m[k_ngroups], m_twin[k_ngroups];
      const std::uint64_t all = K::masks(words.data(), k_ngroups, m);
      const std::uint64_t all_twin = ScalarCalls::masks(words.data(), k_ngroups, m_twin);
      ASSERT_EQ(all, all_twin);
      for (unsigned g = 0; g < k_ngroups; ++g) {
        ASSERT_EQ(m[g], m_twin[g]) << "group " << g;
        using Nz = std::conditional_t<sizeof(Word) == 1, std::uint8_t, std::uint16_t>;
        std::vector<Nz> out(64 + 16, Nz{0x5a}), out_twin(64 + 16, Nz{0x5a});
        // Also masks that are not the words' own (the kernel takes any).
        for (const std::uint64_t mm : {m[g], static_cast<std::uint64_t>(rng()), ~std::uint64_t{0}, std::uint64_t{0}}) {
          const unsigned n = K::compact64(words.data() + 64 * g, mm, out.data());
          const unsigned n_twin = ScalarCalls::compact64(words.data() + 64 * g, mm, out_twin.data());
          ASSERT_EQ(n, n_twin);
          ASSERT_TRUE(std::equal(out.begin(), out.begin() + n, out_twin.begin()));
        }
      }
    }
  }
}

template <class K, unsigned WT, class Nz>
void check_planes(std::uint64_t seed, unsigned w) {
  std::mt19937_64 rng(seed);
  for (int kind = 0; kind < 4; ++kind) {
    SCOPED_TRACE(trace(seed, w) + " kind=" + std::to_string(kind));
    auto nz = random_words<Nz>(rng, 8 * k_group, w, kind);
    if (sizeof(Nz) == 2 && w < 16 && kind == 0) {
      for (auto& x : nz) {  // bits above W are ignored
        x = static_cast<Nz>(x | (rng() << w));
      }
    }
    EncodeGroup a{}, b{};
    K::template planes<WT>(nz.data(), w, a);
    ScalarCalls::planes<WT>(nz.data(), w, b);
    for (unsigned j = 0; j < k_group; ++j) {
      ASSERT_EQ(a.base[j], b.base[j]) << "block " << j;
      for (unsigned p = 0; p <= w; ++p) {
        ASSERT_EQ(a.planes[p][j] & 0xfe, b.planes[p][j] & 0xfe) << "block " << j << " plane " << p;
      }
    }
  }
}

template <class K, unsigned WT>
void check_classify_and_pieces(std::uint64_t seed, unsigned w) {
  std::mt19937_64 rng(seed);
  const auto plan = ebpc::arch::make_piece_plan(w);
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(trace(seed, w) + " round=" + std::to_string(round));
    EncodeGroup a{};
    random_planes(rng, w, a);
    for (unsigned j = 0; j < k_group; ++j) {
      a.base[j] = static_cast<std::uint16_t>(rng() & ((1u << w) - 1));
    }
    EncodeGroup b = a;
    K::template classify<WT>(a, w);
    ScalarCalls::classify<WT>(b, w);
    for (unsigned j = 0; j < k_group; ++j) {
      for (unsigned p = 0; p <= w; ++p) {
        ASSERT_EQ(a.len[p][j], b.len[p][j]) << "block " << j << " plane " << p;
        ASSERT_EQ(a.code[p][j], b.code[p][j]) << "block " << j << " plane " << p;
      }
    }
    K::template pieces<WT>(a, w, plan);
    ScalarCalls::pieces<WT>(b, w, plan);
    for (unsigned j = 0; j < k_group; ++j) {
      for (unsigned k = 0; k < plan.npieces; ++k) {
        ASSERT_EQ(a.piece_len[k][j], b.piece_len[k][j]) << "block " << j << " piece " << k;
        ASSERT_EQ(a.piece[k][j], b.piece[k][j]) << "block " << j << " piece " << k;
        ASSERT_LE(a.piece_len[k][j], 56u);
      }
    }
  }
}

template <class K>
void check_policy(std::uint64_t seed) {
  check_masks_and_compaction<K, std::uint8_t>(seed);
  check_masks_and_compaction<K, std::uint16_t>(seed + 1);
  check_masks_and_compaction<K, std::uint32_t>(seed + 2);
  for (unsigned w = 2; w <= 16; ++w) {
    if (w <= 8) {
      check_planes<K, 0, std::uint8_t>(seed + 10 * w, w);
    }
    check_planes<K, 0, std::uint16_t>(seed + 10 * w + 1, w);
    check_classify_and_pieces<K, 0>(seed + 10 * w + 2, w);
  }
  check_planes<K, 8, std::uint8_t>(seed + 300, 8);
  check_planes<K, 16, std::uint16_t>(seed + 301, 16);
  check_classify_and_pieces<K, 8>(seed + 302, 8);
  check_classify_and_pieces<K, 16>(seed + 303, 16);
}

// The twin itself, on symbols worked out by hand from docs/stream-format.md "BPC symbols"
// (W = 8: ceil(log2 W) = 3 run bits). Planes (bit i = d[i]): 0: 0b00000010 (one one at
// d[1]: index 0 -> '00011' + 000), 1: 0b00000110 (DBX = 0b100: one one at d[2] -> 00011
// 001), 2..4 as plane 1 (a run of 3 zero DBX: '001' + 001 on plane 2), 5: 0 (DBX = 0b110,
// DBP zero -> '00001'), 6: 0b11111110 (DBX all ones -> '00000'), 7: 0b10101010 (DBX
// 0b01010100 -> '1' + reversed 0101010), 8: as 7 (one zero DBX: '01').
TEST(ArchEncode, ScalarTwinGivesTheSpecsSymbols) {
  EncodeGroup g{};
  const std::uint8_t col[9] = {0x02, 0x06, 0x06, 0x06, 0x06, 0x00, 0xfe, 0xaa, 0xaa};
  for (unsigned p = 0; p < 9; ++p) {
    g.planes[p][0] = col[p];
  }
  EncodeKernelsScalar::classify_group<8>(g, 8);
  const unsigned code[9] = {0x18, 0x19, 0b1001, 0, 0, 0b00001, 0, 0x80 | 0b0101010, 0b01};
  const unsigned len[9] = {8, 8, 6, 0, 0, 5, 5, 8, 2};
  for (unsigned p = 0; p < 9; ++p) {
    EXPECT_EQ(g.code[p][0], code[p]) << "plane " << p;
    EXPECT_EQ(g.len[p][0], len[p]) << "plane " << p;
  }
  // Block 1: all planes zero: one run of 9 ('001' + 111).
  EXPECT_EQ(g.code[0][1], 0b1111u);
  EXPECT_EQ(g.len[0][1], 6u);
  EXPECT_EQ(g.len[1][1], 0u);
}

TEST(ArchEncode, Sse2KernelsMatchScalarTwins) {
#if defined(__SSE2__)
  check_policy<Sse2Calls>(1000);
#else
  GTEST_SKIP() << "no SSE2 on this target";
#endif
}

TEST(ArchEncode, Avx2KernelsMatchScalarTwins) {
#if EBPC_ARCH_HAVE_AVX2
  if (!ebpc::arch::use_avx2()) {
    GTEST_SKIP() << "this CPU (or EBPC_ISA=baseline) has no AVX2 + BMI2";
  }
  check_policy<Avx2Calls>(2000);
#else
  GTEST_SKIP() << "no AVX2 build on this target";
#endif
}

}  // namespace
