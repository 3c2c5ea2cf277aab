// The ebpcx codec (src/codec/ebpcx_*.cpp, docs/ebpcx.md "The ebpcx stream"): round trips in
// every format with and without the context geometry, through the container with its array
// geometry, parameter errors, and damaged streams (every truncation fails; bit flips give
// an error or a decode, never a crash). Its streams against the EBPC-X model:
// tests/hw/test_ebpcx_codec.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>

namespace {

using ebpc::CodecId;
using ebpc::CodecParams;
using ebpc::WordFormat;

CodecParams params(unsigned w, unsigned elem, WordFormat f = WordFormat::fixed) {
  CodecParams p;
  p.id = CodecId::ebpcx;
  p.word_nbits = w;
  p.elem_nbytes = elem;
  p.word_format = f;
  return p;
}

std::vector<std::uint8_t> to_bytes(const std::vector<std::uint32_t>& words, unsigned elem) {
  std::vector<std::uint8_t> out(words.size() * elem);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::memcpy(out.data() + i * elem, &words[i], elem);  // little-endian host
  }
  return out;
}

std::vector<std::uint8_t> encode(const CodecParams& p, const std::vector<std::uint8_t>& in) {
  const ebpc::Codec* c = ebpc::find_codec(CodecId::ebpcx);
  std::vector<std::uint8_t> out(c->bound_nbytes(in.size() / p.elem_nbytes, p));
  auto r = c->encode(in, p, out);
  EXPECT_TRUE(r.has_value()) << (r ? "" : ebpc::error_message(r.error()));
  out.resize(r ? r->nbytes : 0);
  return out;
}

ebpc::Result<void> decode(const CodecParams& p, std::span<const std::uint8_t> stream, std::vector<std::uint8_t>& out) {
  return ebpc::find_codec(CodecId::ebpcx)->decode(stream, stream.size(), p, out);
}

// Feature-map-like words: zeros in runs and channels, small magnitudes, some of any value.
std::vector<std::uint32_t> map_words(std::mt19937_64& rng, std::size_t n, unsigned w, WordFormat f, bool negative) {
  std::vector<std::uint32_t> v(n);
  const std::uint64_t mask = (std::uint64_t{1} << w) - 1;
  for (auto& x : v) {
    const unsigned r = static_cast<unsigned>(rng() % 16);
    if (r < 6) {
      x = 0;
    } else if (r == 15) {
      x = static_cast<std::uint32_t>(rng() & mask);
    } else if (f == WordFormat::fixed) {
      const std::uint64_t a = rng() % (std::uint64_t{1} << std::min(w - 1, 5u));
      x = static_cast<std::uint32_t>((negative && rng() % 2 == 0 ? ~a + 1 : a) & mask);
    } else {
      // exponents near one value, any mantissa
      const unsigned m = f == WordFormat::float16 ? 10 : 7;
      const std::uint32_t e = (f == WordFormat::float16 ? 12u : 120u) + static_cast<std::uint32_t>(rng() % 4);
      x = (static_cast<std::uint32_t>(rng() & 1) << 15) | (e << m) | static_cast<std::uint32_t>(rng() & ((1u << m) - 1));
    }
  }
  return v;
}

TEST(Ebpcx, RoundTripsEveryFormatAndGeometry) {
  const unsigned seed = std::random_device{}();
  std::printf("Ebpcx round-trip seed: %u\n", seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  struct Case {
    unsigned w, elem;
    WordFormat f;
  };
  const Case cases[] = {{8, 1, WordFormat::fixed},        {16, 2, WordFormat::fixed},      {16, 2, WordFormat::float16},
                        {16, 2, WordFormat::bfloat16},    {2, 1, WordFormat::fixed},       {5, 1, WordFormat::fixed},
                        {12, 2, WordFormat::fixed},       {24, 4, WordFormat::fixed},      {32, 4, WordFormat::fixed},
                        {16, 4, WordFormat::float16}};
  for (const Case& c : cases) {
    for (std::size_t n : {0u, 1u, 2u, 7u, 100u, 4096u, 30000u}) {
      for (int g = 0; g < 4; ++g) {
        SCOPED_TRACE("W=" + std::to_string(c.w) + " format=" + std::to_string(static_cast<int>(c.f)) +
                     " n=" + std::to_string(n) + " geometry " + std::to_string(g));
        CodecParams p = params(c.w, c.elem, c.f);
        if (g == 1) {
          p.row_nwords = 7;
        } else if (g == 2) {
          p.row_nwords = 13;
          p.plane_nwords = 13 * 5;
          p.first_word_index = rng() % 1000;
        } else if (g == 3) {
          p.row_nwords = 1;  // above = left
          p.plane_nwords = 1;
        }
        const auto words = map_words(rng, n, c.w, c.f, rng() % 2 == 0);
        const auto in = to_bytes(words, c.elem);
        const auto stream = encode(p, in);
        std::vector<std::uint8_t> out(in.size(), 0x5A);
        auto d = decode(p, stream, out);
        ASSERT_TRUE(d.has_value()) << ebpc::error_message(d.error());
        ASSERT_EQ(out, in);
      }
    }
  }
}

TEST(Ebpcx, ExtremeValuesRoundTrip) {
  for (unsigned w : {2u, 8u, 16u, 31u, 32u}) {
    SCOPED_TRACE("W=" + std::to_string(w));
    const std::uint32_t mask = static_cast<std::uint32_t>((std::uint64_t{1} << w) - 1);
    const std::uint32_t min_neg = 1u << (w - 1);
    std::vector<std::uint32_t> words = {0, 1, mask, min_neg, min_neg - 1, min_neg + 1, 0, 0, 1, mask, min_neg};
    const unsigned elem = w <= 8 ? 1 : (w <= 16 ? 2 : 4);
    const auto p = params(w, elem);
    const auto in = to_bytes(words, elem);
    std::vector<std::uint8_t> out(in.size());
    ASSERT_TRUE(decode(p, encode(p, in), out).has_value());
    EXPECT_EQ(out, in);
  }
  // Every float16 / bfloat16 pattern (signed and unsigned zeros, NaNs, infinities).
  for (WordFormat f : {WordFormat::float16, WordFormat::bfloat16}) {
    std::vector<std::uint32_t> words(65536);
    for (std::uint32_t i = 0; i < 65536; ++i) {
      words[i] = i;
    }
    const auto p = params(16, 2, f);
    const auto in = to_bytes(words, 2);
    std::vector<std::uint8_t> out(in.size());
    ASSERT_TRUE(decode(p, encode(p, in), out).has_value());
    EXPECT_EQ(out, in);
  }
}

TEST(Ebpcx, BadParameters) {
  CodecParams p = params(16, 2, WordFormat::float16);
  EXPECT_TRUE(ebpc::validate(p).has_value());
  p.word_nbits = 12;
  EXPECT_EQ(ebpc::validate(p).error(), ebpc::Error::bad_parameter);  // floats are 16-bit patterns
  p = params(8, 1);
  p.level = 3;
  EXPECT_EQ(ebpc::validate(p).error(), ebpc::Error::bad_parameter);
  p = params(8, 1);
  p.lanes = 4;
  EXPECT_EQ(ebpc::validate(p).error(), ebpc::Error::bad_parameter);
  p = params(33, 4);
  EXPECT_EQ(ebpc::validate(p).error(), ebpc::Error::bad_parameter);
  // plane not a multiple of row
  p = params(8, 1);
  p.row_nwords = 3;
  p.plane_nwords = 10;
  const std::vector<std::uint8_t> in(20, 1);
  std::vector<std::uint8_t> out(ebpc::find_codec(CodecId::ebpcx)->bound_nbytes(20, p));
  EXPECT_EQ(ebpc::find_codec(CodecId::ebpcx)->encode(in, p, out).error(), ebpc::Error::bad_parameter);
  // output below the bound
  p.plane_nwords = 9;
  out.resize(10);
  EXPECT_EQ(ebpc::find_codec(CodecId::ebpcx)->encode(in, p, out).error(), ebpc::Error::output_too_small);
  // the codec spec
  CodecParams q;
  ASSERT_TRUE(ebpc::parse_codec_spec("ebpcx", q).has_value());
  EXPECT_EQ(q.id, CodecId::ebpcx);
  EXPECT_EQ(ebpc::codec_spec(q), "ebpcx");
  EXPECT_FALSE(ebpc::parse_codec_spec("ebpcx-3", q).has_value());
  EXPECT_FALSE(ebpc::parse_codec_spec("ebpcx-L4", q).has_value());
}

TEST(Ebpcx, DecoderChecksTheStreamAgainstItsParameters) {
  std::mt19937_64 rng(7);
  const auto words = map_words(rng, 500, 8, WordFormat::fixed, true);
  const auto in = to_bytes(words, 1);
  auto p = params(8, 1);
  p.row_nwords = 10;
  p.plane_nwords = 50;
  const auto stream = encode(p, in);
  std::vector<std::uint8_t> out(in.size());
  // The decoder takes the format and the geometry from the stream, W from the caller.
  ASSERT_TRUE(decode(params(8, 1), stream, out).has_value());
  EXPECT_EQ(out, in);
  EXPECT_EQ(decode(params(7, 1), stream, out).error(), ebpc::Error::corrupt);
  // Trailing bytes, and a reserved flag bit.
  auto longer = stream;
  longer.push_back(0);
  EXPECT_EQ(decode(p, longer, out).error(), ebpc::Error::corrupt);
  auto flagged = stream;
  flagged[0] = static_cast<std::uint8_t>(flagged[0] | 0x80);
  EXPECT_EQ(decode(p, flagged, out).error(), ebpc::Error::corrupt);
  auto fmt3 = stream;
  fmt3[0] = static_cast<std::uint8_t>(fmt3[0] | 0x03);
  EXPECT_EQ(decode(p, fmt3, out).error(), ebpc::Error::corrupt);
}

TEST(Ebpcx, TruncationAtEveryByteFailsAndBitFlipsNeverCrash) {
  for (WordFormat f : {WordFormat::fixed, WordFormat::float16}) {
    std::mt19937_64 rng(11);
    const unsigned w = f == WordFormat::fixed ? 8 : 16;
    const unsigned elem = w / 8;
    const auto words = map_words(rng, 300, w, f, true);
    const auto in = to_bytes(words, elem);
    auto p = params(w, elem, f);
    p.row_nwords = 10;
    p.plane_nwords = 100;
    const auto stream = encode(p, in);
    std::vector<std::uint8_t> out(in.size());
    for (std::size_t len = 0; len < stream.size(); ++len) {
      auto r = decode(p, std::span<const std::uint8_t>(stream).first(len), out);
      ASSERT_FALSE(r.has_value()) << "cut to " << len;
      EXPECT_TRUE(r.error() == ebpc::Error::truncated || r.error() == ebpc::Error::corrupt) << "cut to " << len;
    }
    std::size_t decoded = 0;
    for (std::size_t bit = 0; bit < stream.size() * 8; ++bit) {
      auto bad = stream;
      bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
      auto r = decode(p, bad, out);
      if (r) {
        ++decoded;
      } else {
        EXPECT_TRUE(r.error() == ebpc::Error::truncated || r.error() == ebpc::Error::corrupt) << "bit " << bit;
      }
    }
    EXPECT_LT(decoded, stream.size() * 8);
  }
}

TEST(Ebpcx, ContainerRecordsNothingNewAndRoundTrips) {
  // A (C, H, W) int8 array: the chunks are coded with the array's rows and planes, chunks
  // of 1000 words start inside planes; the file decodes with nothing but itself.
  std::mt19937_64 rng(3);
  const std::vector<std::uint64_t> shape = {6, 20, 30};
  const auto words = map_words(rng, 3600, 8, WordFormat::fixed, true);
  std::vector<std::uint8_t> elems(words.begin(), words.end());
  ebpc::ArrayOptions o;
  o.codec = "ebpcx";
  o.chunk_nwords = 1000;
  auto h = ebpc::make_container_header(ebpc::DType::int8, shape, false, o);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->codec.lanes, 1u);
  const CodecParams cp = ebpc::chunk_codec_params(*h, 2);
  EXPECT_EQ(cp.row_nwords, 30u);
  EXPECT_EQ(cp.plane_nwords, 600u);
  EXPECT_EQ(cp.first_word_index, 2000u);
  auto file = ebpc::compress_container(elems, *h);
  ASSERT_TRUE(file.has_value());
  ebpc::ContainerHeader back_h;
  auto back = ebpc::decompress_container(*file, &back_h, 1 << 20);
  ASSERT_TRUE(back.has_value()) << ebpc::error_message(back.error());
  EXPECT_EQ(*back, elems);
  EXPECT_EQ(back_h.codec.id, CodecId::ebpcx);
  // float16 and bfloat16 arrays get their word format.
  EXPECT_EQ(ebpc::chunk_codec_params(*ebpc::make_container_header(ebpc::DType::float16, shape, false, o), 0).word_format,
            WordFormat::float16);
  EXPECT_EQ(
      ebpc::chunk_codec_params(*ebpc::make_container_header(ebpc::DType::bfloat16, shape, false, o), 0).word_format,
      WordFormat::bfloat16);
  // Fortran order: the shape read backwards.
  EXPECT_EQ(ebpc::chunk_codec_params(*ebpc::make_container_header(ebpc::DType::int8, shape, true, o), 0).row_nwords, 6u);
}

}  // namespace
