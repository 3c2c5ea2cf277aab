// The EBPC B = 16 encoder kernels (src/arch/encode_b16*.hpp): the SSE2 delta bit-planes and
// the SSE2 and AVX2 plane codes against their scalar twins, and the block coder with the twins (symbols, zero runs, pieces) against the
// plain block coder of the generic path (codec/bpc_block_encode.hpp) on planes built to
// reach every symbol of docs/stream-format.md "BPC symbols". Seeds are in the failure messages.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/encode_b16.hpp"
#include "arch/encode_b16_avx2.hpp"
#include "arch/encode_kernel_calls.hpp"  // EBPC_NOIPA
#include "codec/bpc_block_encode.hpp"
#include "common/bitio.hpp"

namespace {

using ebpc::arch::code_block_b16;
using ebpc::arch::planes_b16_scalar;

template <class Nz>
std::vector<Nz> block_words(std::mt19937_64& rng, unsigned w, int kind) {
  std::vector<Nz> v(16);
  const std::uint32_t mask = (1u << w) - 1;
  std::uint32_t cur = static_cast<std::uint32_t>(rng()) & mask;
  for (auto& x : v) {
    switch (kind) {
      case 0: cur = static_cast<std::uint32_t>(rng()); break;
      case 1: cur += static_cast<std::uint32_t>(rng() % 5) - 2; break;
      default: cur = (rng() & 1) != 0 ? mask >> 1 : 1u << (w - 1); break;
    }
    // Bits above W too (the kernels ignore them), on every other block.
    x = static_cast<Nz>((cur & mask) | (kind == 0 ? static_cast<std::uint32_t>(rng()) & ~mask : 0));
  }
  return v;
}

template <class Nz>
void check_planes(unsigned w, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 300; ++iter) {
    const auto v = block_words<Nz>(rng, w, iter % 3);
    std::uint16_t a[17] = {};
    std::uint16_t b[17] = {};
    const std::uint32_t base_a = planes_b16_scalar(v.data(), w, a);
#if defined(__SSE2__)
    const std::uint32_t base_b = ebpc::arch::planes_b16_sse2(v.data(), w, b);
#else
    const std::uint32_t base_b = planes_b16_scalar(v.data(), w, b);
#endif
    ASSERT_EQ(base_a, base_b) << "seed " << seed << " w " << w << " iter " << iter;
    for (unsigned p = 0; p <= w; ++p) {
      ASSERT_EQ(a[p] & 0xfffe, b[p] & 0xfffe) << "seed " << seed << " w " << w << " iter " << iter << " plane " << p;
    }
  }
}

TEST(ArchEncodeB16, Sse2PlanesMatchScalarTwin) {
  for (unsigned w = 2; w <= 16; ++w) {
    if (w <= 8) {
      check_planes<std::uint8_t>(w, 700 + w);
    }
    check_planes<std::uint16_t>(w, 800 + w);
  }
}

// The twin itself, worked by hand: words 0, 1, 3, 3, ... (W = 8): d[1] = 1, d[2] = 2, the
// rest 0. Plane 0 has d[1] (bit 1), plane 1 has d[2] (bit 2), planes 2..8 nothing.
TEST(ArchEncodeB16, ScalarTwinPlanesByHand) {
  std::uint8_t v[16] = {0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
  std::uint16_t pl[17] = {};
  EXPECT_EQ(planes_b16_scalar(v, 8, pl), 0u);
  EXPECT_EQ(pl[0] & 0xfffe, 0x0002);
  EXPECT_EQ(pl[1] & 0xfffe, 0x0004);
  for (unsigned p = 2; p <= 8; ++p) {
    EXPECT_EQ(pl[p] & 0xfffe, 0) << p;
  }
  // Words 0, 1, 3, 0, 0, 3, 3, ...: d[3] = -3 (9-bit 0x1fd: bits 0, 2..8), d[5] = 3 (bits 0, 1).
  v[3] = 0;
  v[4] = 0;
  planes_b16_scalar(v, 8, pl);
  EXPECT_EQ(pl[0] & 0xfffe, 0x0002 | 0x0008 | 0x0020);
  EXPECT_EQ(pl[1] & 0xfffe, 0x0004 | 0x0020);
  for (unsigned p = 2; p <= 8; ++p) {
    EXPECT_EQ(pl[p] & 0xfffe, 0x0008) << p;
  }
}

// DBX planes of every kind (zero, all ones, one '1', two adjacent, DBP zero, random),
// turned into DBP planes, then into values for the plain coder.
void random_planes(std::mt19937_64& rng, unsigned w, std::uint16_t* planes) {
  std::uint32_t prev = 0;
  const int zero_bias = static_cast<int>(rng() % 4);  // some blocks mostly zero DBX
  for (unsigned p = 0; p <= w; ++p) {
    std::uint32_t dbx = 0;
    const int kind = static_cast<int>(rng() % static_cast<std::uint64_t>(6 + zero_bias));
    switch (kind) {
      case 0: dbx = 0xfffe; break;
      case 1: dbx = 1u << (1 + rng() % 15); break;
      case 2: dbx = 3u << (1 + rng() % 14); break;
      case 3: dbx = prev; break;  // DBP zero (DBX zero too when prev is)
      case 4: dbx = static_cast<std::uint32_t>(rng()) & 0xfffe; break;
      default: dbx = 0; break;
    }
    const std::uint32_t cur = (dbx ^ prev) & 0xfffe;
    // Bit 0 is unspecified: put noise there.
    planes[p] = static_cast<std::uint16_t>(cur | (rng() & 1));
    prev = cur;
  }
}

template <unsigned WT>
void check_code_block(unsigned w, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto shape = ebpc::detail::make_block_shape(w, 16, ebpc::detail::ZeroRunCode::ebpc);
  for (int iter = 0; iter < 2000; ++iter) {
    std::uint16_t planes[17];
    random_planes(rng, w, planes);
    const std::uint32_t base = static_cast<std::uint32_t>(rng()) & ((1u << w) - 1);
    // Values with these planes: v[0] = the base, d[i] from bit i of each plane.
    std::int64_t v[16];
    v[0] = ebpc::sign_extend(base, w);
    for (unsigned i = 1; i < 16; ++i) {
      std::uint64_t d = 0;
      for (unsigned p = 0; p <= w; ++p) {
        d |= std::uint64_t{(static_cast<unsigned>(planes[p]) >> i) & 1u} << p;
      }
      v[i] = v[i - 1] + ebpc::sign_extend(d, w + 1);
    }
    std::vector<std::uint8_t> want(64, 0);
    std::vector<std::uint8_t> got(64, 0);
    ebpc::BitWriter bw(want);
    ebpc::detail::encode_block(bw, shape, v);
    ebpc::WideBitWriter wb(got);
    code_block_b16<WT>(planes, base, w, wb);
    ASSERT_EQ(wb.nbits(), bw.nbits()) << "seed " << seed << " w " << w << " iter " << iter;
    const std::size_t n = bw.finish(8);
    ASSERT_EQ(wb.finish(8), n);
    ASSERT_TRUE(std::equal(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(n), got.begin()))
        << "seed " << seed << " w " << w << " iter " << iter;
  }
}

TEST(ArchEncodeB16, CodeBlockMatchesPlainBlockCoder) {
  for (unsigned w = 2; w <= 16; ++w) {
    check_code_block<0>(w, 900 + w);
  }
  check_code_block<8>(8, 990);
  check_code_block<16>(16, 991);
}

#if EBPC_ARCH_HAVE_AVX2
// Called from non-AVX2 code through an adapter that is not inlined (encode_kernel_calls.hpp).
EBPC_NOIPA EBPC_TARGET_AVX2 void codes_avx2(const std::uint16_t* planes, unsigned w, std::uint32_t* code,
                                            std::uint32_t* len) {
  ebpc::arch::codes_b16_avx2(planes, w, code, len);
}
#endif

enum class CodesKernel { sse2, avx2 };

void check_codes(CodesKernel kernel) {
  for (unsigned w = 2; w <= 16; ++w) {
    std::mt19937_64 rng(1200 + w + (kernel == CodesKernel::avx2 ? 100 : 0));
    for (int iter = 0; iter < 3000; ++iter) {
      std::uint16_t planes[ebpc::arch::k_b16_planes_cap];
      if (iter % 4 == 3) {
        for (auto& x : planes) {
          x = static_cast<std::uint16_t>(rng());
        }
      } else {
        random_planes(rng, w, planes);
        for (unsigned p = w + 1; p < ebpc::arch::k_b16_planes_cap; ++p) {
          planes[p] = static_cast<std::uint16_t>(rng());  // past W: anything
        }
      }
      std::uint32_t c0[ebpc::arch::k_b16_planes_cap] = {};
      std::uint32_t l0[ebpc::arch::k_b16_planes_cap] = {};
      std::uint32_t c1[ebpc::arch::k_b16_planes_cap] = {};
      std::uint32_t l1[ebpc::arch::k_b16_planes_cap] = {};
      ebpc::arch::codes_b16_scalar(planes, w, c0, l0);
#if defined(__SSE2__)
      if (kernel == CodesKernel::sse2) {
        ebpc::arch::codes_b16_sse2(planes, w, c1, l1);
      }
#endif
#if EBPC_ARCH_HAVE_AVX2
      if (kernel == CodesKernel::avx2) {
        codes_avx2(planes, w, c1, l1);
      }
#endif
      for (unsigned p = 0; p <= w; ++p) {
        ASSERT_EQ(l0[p], l1[p]) << "w " << w << " iter " << iter << " plane " << p;
        ASSERT_EQ(c0[p], c1[p]) << "w " << w << " iter " << iter << " plane " << p;
      }
    }
  }
}

TEST(ArchEncodeB16, Sse2CodesMatchScalarTwin) {
#if defined(__SSE2__)
  check_codes(CodesKernel::sse2);
#else
  GTEST_SKIP() << "no SSE2 on this target";
#endif
}

TEST(ArchEncodeB16, Avx2CodesMatchScalarTwin) {
#if EBPC_ARCH_HAVE_AVX2
  if (!ebpc::arch::use_avx2()) {
    GTEST_SKIP() << "this CPU (or EBPC_ISA=baseline) has no AVX2 + BMI2";
  }
  check_codes(CodesKernel::avx2);
#else
  GTEST_SKIP() << "no AVX2 build on this target";
#endif
}

}  // namespace
