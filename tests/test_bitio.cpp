// The library's bit I/O against a naive writer, including reads past the end.
#include <gtest/gtest.h>

#include <random>

#include "common/bitio.hpp"
#include "testutil.hpp"

namespace {

TEST(BitIo, WriterMatchesNaiveWriter) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    ebpc::test::NaiveBits naive;
    std::vector<std::uint8_t> buf(4096);
    ebpc::BitWriter bw(buf);
    const int count = static_cast<int>(rng() % 300);
    for (int i = 0; i < count; ++i) {
      const unsigned n = static_cast<unsigned>(rng() % 33);
      const std::uint32_t v = n == 0 ? 0 : static_cast<std::uint32_t>(rng() & ((1ull << n) - 1));
      naive.put(v, n);
      bw.put(v, n);
    }
    ASSERT_EQ(bw.nbits(), naive.bits.size());
    const unsigned pad = static_cast<unsigned>(2 + rng() % 31);
    const std::size_t nbytes = bw.finish(pad);
    while (naive.bits.size() % pad != 0) {
      naive.bits.push_back('0');
    }
    const auto expect = naive.bytes();
    ASSERT_EQ(nbytes, expect.size());
    EXPECT_TRUE(std::equal(expect.begin(), expect.end(), buf.begin()));
  }
}

TEST(BitIo, ReaderMatchesNaiveWriterAndCountsOverrun) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    ebpc::test::NaiveBits naive;
    std::vector<std::pair<std::uint32_t, unsigned>> fields;
    const int count = static_cast<int>(1 + rng() % 300);
    for (int i = 0; i < count; ++i) {
      const unsigned n = static_cast<unsigned>(1 + rng() % 32);
      const std::uint32_t v = static_cast<std::uint32_t>(rng() & ((1ull << n) - 1));
      naive.put(v, n);
      fields.emplace_back(v, n);
    }
    const auto bytes = naive.bytes();
    ebpc::BitReader br(bytes);
    for (const auto& [v, n] : fields) {
      if (n <= 5 && (rng() & 1) != 0) {
        ASSERT_EQ(br.peek(n), v);
        br.skip(n);
      } else {
        ASSERT_EQ(br.get(n), v);
      }
    }
    EXPECT_FALSE(br.overrun());
    const std::uint64_t slack = bytes.size() * 8 - naive.bits.size();
    EXPECT_EQ(br.get(static_cast<unsigned>(std::min<std::uint64_t>(slack, 32))), 0u);  // padding zeros
    if (slack < 32) {
      EXPECT_FALSE(br.overrun());
      br.get(1);
      EXPECT_TRUE(br.overrun());
      EXPECT_EQ(br.get(32), 0u);  // zeros past the end
    }
  }
}

TEST(BitIo, EmptyInputOverrunsAtFirstBit) {
  ebpc::BitReader br(std::span<const std::uint8_t>{});
  EXPECT_FALSE(br.overrun());
  EXPECT_EQ(br.get(1), 0u);
  EXPECT_TRUE(br.overrun());
}

}  // namespace
