// Baselines: hand-computed streams and sizes, and seeded round trips of every codec in
// the table over widths, storage sizes and sparsities.
#include <gtest/gtest.h>

#include <cstring>

#include <ebpc/codecs.hpp>

#include "testutil.hpp"

namespace {

using ebpc::CodecId;
using ebpc::CodecParams;

std::vector<std::uint8_t> to_bytes(const std::vector<std::uint32_t>& words, unsigned elem_nbytes) {
  std::vector<std::uint8_t> out(words.size() * elem_nbytes);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::memcpy(out.data() + i * elem_nbytes, &words[i], elem_nbytes);  // little-endian host
  }
  return out;
}

struct Coded {
  std::vector<std::uint8_t> bytes;
  ebpc::CodedSize size;
};

Coded encode(const CodecParams& p, const std::vector<std::uint8_t>& in) {
  const ebpc::Codec* c = ebpc::find_codec(p.id);
  Coded out;
  out.bytes.resize(c->bound_nbytes(in.size() / p.elem_nbytes, p));
  auto r = c->encode(in, p, out.bytes);
  EXPECT_TRUE(r.has_value());
  if (r) {
    out.size = *r;
    out.bytes.resize(r->nbytes);
  }
  return out;
}

CodecParams params(CodecId id, unsigned w, unsigned elem = 0) {
  CodecParams p;
  p.id = id;
  p.word_nbits = w;
  p.elem_nbytes = elem != 0 ? elem : (w <= 8 ? 1 : w <= 16 ? 2 : 4);
  return p;
}

TEST(Zvc, HandComputedStream) {
  // words 5 0 0 7 (W=8): flags 1001, then 00000101 00000111
  const auto p = params(CodecId::zvc, 8);
  const auto c = encode(p, {5, 0, 0, 7});
  ebpc::test::NaiveBits expect;
  expect.put(0b1001, 4);
  expect.put(5, 8);
  expect.put(7, 8);
  EXPECT_EQ(c.size.exact_nbits, 20u);
  EXPECT_EQ(c.size.padded_nbits, 24u);
  EXPECT_EQ(c.bytes, expect.bytes());
}

TEST(Zrle, HandComputedStream) {
  // W=8: 5 -> 1 00000101; 17 zeros -> 0 1111, 0 0000; 7 -> 1 00000111
  std::vector<std::uint32_t> words = {5};
  words.insert(words.end(), 17, 0);
  words.push_back(7);
  const auto p = params(CodecId::zrle, 8);
  const auto c = encode(p, to_bytes(words, 1));
  ebpc::test::NaiveBits expect;
  expect.put(1, 1);
  expect.put(5, 8);
  expect.put(0b01111, 5);
  expect.put(0b00000, 5);
  expect.put(1, 1);
  expect.put(7, 8);
  EXPECT_EQ(c.size.exact_nbits, 28u);
  EXPECT_EQ(c.bytes, expect.bytes());
}

TEST(Bpc, HandComputedBlocks) {
  // Eight equal words: base + all 9 DBX planes zero = one run: Kim '01' + 7 in 3 bits.
  const auto p = params(CodecId::bpc, 8);
  const auto c = encode(p, std::vector<std::uint8_t>(8, 5));
  ebpc::test::NaiveBits expect;
  expect.put(5, 8);
  expect.put(0b01, 2);
  expect.put(7, 3);
  EXPECT_EQ(c.size.exact_nbits, 13u);
  EXPECT_EQ(c.bytes, expect.bytes());
  // EBPC codes the same block's run as '001' + 7: one bit more (14, the smallest EBPC block
  // of W = B = 8, docs/stream-format.md "BPC symbols").
  const auto e = encode(params(CodecId::ebpc, 8), std::vector<std::uint8_t>(8, 5));
  EXPECT_EQ(e.size.bpc_nbits, 14u);
  // Zeros are coded too: three words 1 0 0 -> padded block [1,0,0,0,0,0,0,0].
  // d = [-1,0,...]: DBP[p] = 1000000 for every p (two's complement of -1), so
  // DBX[0] = 1000000 (single one at index 0: 00011 000), DBX[1..8] = 0 (run of 8: 01 + 6).
  const auto z = encode(p, {1, 0, 0});
  ebpc::test::NaiveBits zexp;
  zexp.put(1, 8);
  zexp.put(0b00011, 5);
  zexp.put(0, 3);
  zexp.put(0b01, 2);
  zexp.put(6, 3);
  EXPECT_EQ(z.size.exact_nbits, 21u);
  EXPECT_EQ(z.bytes, zexp.bytes());
}

TEST(CodecTable, NamesAndSpecs) {
  CodecParams p;
  ASSERT_TRUE(ebpc::parse_codec_spec("zstd-19", p).has_value());
  EXPECT_EQ(p.id, CodecId::zstd);
  EXPECT_EQ(p.level, 19);
  EXPECT_EQ(ebpc::codec_spec(p), "zstd-19");
  EXPECT_FALSE(ebpc::parse_codec_spec("zstd-", p).has_value());
  EXPECT_FALSE(ebpc::parse_codec_spec("zvc-3", p).has_value());
  EXPECT_FALSE(ebpc::parse_codec_spec("gzip", p).has_value());
  EXPECT_FALSE(ebpc::parse_codec_spec("zstd-99", p).has_value());
  EXPECT_EQ(ebpc::codec_table().size(), 8u);
}

TEST(CodecTable, EveryCodecRoundTripsRandomInputs) {
  std::uint64_t seed = 4242;
  for (const ebpc::Codec& codec : ebpc::codec_table()) {
    for (unsigned w : {3u, 8u, 12u, 16u, 32u}) {
      for (double zeros : {0.0, 0.43, 0.9, 1.0}) {
        for (std::size_t n : {1u, 7u, 100u, 20000u}) {
          const std::string trace = std::string(codec.name) + " W=" + std::to_string(w) + " zeros=" +
                                    std::to_string(zeros) + " n=" + std::to_string(n) + " seed=" + std::to_string(seed);
          SCOPED_TRACE(trace);
          std::mt19937_64 rng(seed++);
          const auto words = ebpc::test::random_words(rng, n, w, zeros, (seed & 1) != 0);
          auto p = params(codec.id, w);
          const auto in = to_bytes(words, p.elem_nbytes);
          const auto c = encode(p, in);
          std::vector<std::uint8_t> out(in.size(), 0xAA);
          auto d = codec.decode(c.bytes, c.size.stream0_nbytes, p, out);
          ASSERT_TRUE(d.has_value()) << ebpc::error_message(d.error());
          ASSERT_EQ(out, in);
          if (codec.is_word_codec) {
            ASSERT_GE(c.size.padded_nbits, c.size.exact_nbits);
            ASSERT_LT(c.size.padded_nbits - c.size.exact_nbits, 2 * w);
          }
        }
      }
    }
  }
}

TEST(CodecTable, WordAboveWidthIsRejected) {
  for (const ebpc::Codec& codec : ebpc::codec_table()) {
    if (!codec.is_word_codec) {
      continue;
    }
    SCOPED_TRACE(std::string(codec.name));
    auto p = params(codec.id, 12, 2);
    const auto in = to_bytes({1, 4096, 3}, 2);
    std::vector<std::uint8_t> out(codec.bound_nbytes(3, p));
    auto r = codec.encode(in, p, out);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), ebpc::Error::bad_parameter);
  }
}

}  // namespace
