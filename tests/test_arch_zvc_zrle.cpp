// The word-at-a-time ZVC and zero-RLE coders (SIMD masks, 64 flags per write, ctz over the
// non-zero words) against streams written straight from their definitions with the naive
// test bit writer, on seeded random inputs of every width, storage size, length and
// sparsity (the seed is in the failure message); and their decoders on those streams.
#include <gtest/gtest.h>

#include <cstring>

#include <ebpc/codecs.hpp>

#include "testutil.hpp"

namespace {

std::vector<std::uint8_t> naive_zvc(const std::vector<std::uint32_t>& words, unsigned w) {
  ebpc::test::NaiveBits b;
  for (const auto x : words) {
    b.put(x != 0 ? 1 : 0, 1);
  }
  for (const auto x : words) {
    if (x != 0) {
      b.put(x, w);
    }
  }
  while (b.bits.size() % w != 0) {
    b.bits.push_back('0');
  }
  return b.bytes();
}

std::vector<std::uint8_t> naive_zrle(const std::vector<std::uint32_t>& words, unsigned w) {
  ebpc::test::NaiveBits b;
  unsigned run = 0;
  for (const auto x : words) {
    if (x == 0) {
      if (++run == 16) {
        b.put(15, 5);
        run = 0;
      }
      continue;
    }
    if (run != 0) {
      b.put(run - 1, 5);
      run = 0;
    }
    b.put(1, 1);
    b.put(x, w);
  }
  if (run != 0) {
    b.put(run - 1, 5);
  }
  while (b.bits.size() % w != 0) {
    b.bits.push_back('0');
  }
  return b.bytes();
}

void check(ebpc::CodecId id, unsigned w, unsigned elem, std::size_t n, double zeros, std::uint64_t seed) {
  SCOPED_TRACE("codec=" + std::to_string(static_cast<int>(id)) + " w=" + std::to_string(w) + " elem=" +
               std::to_string(elem) + " n=" + std::to_string(n) + " zeros=" + std::to_string(zeros) +
               " seed=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const auto words = ebpc::test::random_words(rng, n, w, zeros, (seed & 1) != 0);
  std::vector<std::uint8_t> bytes(n * elem);
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(bytes.data() + i * elem, &words[i], elem);  // little-endian host
  }
  ebpc::CodecParams p;
  p.id = id;
  p.word_nbits = w;
  p.elem_nbytes = elem;
  const ebpc::Codec* c = ebpc::find_codec(id);
  ASSERT_NE(c, nullptr);
  std::vector<std::uint8_t> coded(c->bound_nbytes(n, p));
  auto r = c->encode(bytes, p, coded);
  ASSERT_TRUE(r.has_value());
  coded.resize(r->nbytes);
  const auto expect = id == ebpc::CodecId::zvc ? naive_zvc(words, w) : naive_zrle(words, w);
  ASSERT_EQ(coded, expect);
  std::vector<std::uint8_t> back(bytes.size(), 0xa5);
  auto d = c->decode(coded, r->stream0_nbytes, p, back);
  ASSERT_TRUE(d.has_value()) << ebpc::error_message(d.error());
  ASSERT_EQ(back, bytes);
}

TEST(ArchZvcZrle, FastCodersMatchNaiveStreams) {
  std::uint64_t seed = 1;
  for (const auto id : {ebpc::CodecId::zvc, ebpc::CodecId::zrle}) {
    for (unsigned w : {2u, 7u, 8u, 12u, 16u, 24u, 32u}) {
      for (unsigned elem : {1u, 2u, 4u}) {
        if (w > elem * 8) {
          continue;
        }
        for (std::size_t n : {1u, 63u, 64u, 65u, 200u, 5000u}) {
          for (double zeros : {0.0, 0.5, 0.97, 1.0}) {
            check(id, w, elem, n, zeros, seed++);
            if (::testing::Test::HasFatalFailure()) {
              return;
            }
          }
        }
      }
    }
  }
}

}  // namespace
