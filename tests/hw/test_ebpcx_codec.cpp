// The ebpcx codec (src/codec/ebpcx_*.cpp) against the EBPC-X model (src/hw/ebpcx_*.cpp, the
// reference that tests/hw/ebpcx_oracle.py checks byte for byte against the Python study):
// for the 37 sample maps and for seeded random maps and chunks of maps, the codec's stream
// header carries the model's base and sign flag, its range stream is the model's range
// bytes and its raw stream the model's raw bytes; both decoders return the input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <ebpc/codecs.hpp>
#include <ebpc/hw_ebpcx.hpp>
#include <ebpc/npy.hpp>

namespace {

using ebpc::hw::EbpcxFormat;
using ebpc::hw::EbpcxParams;
using ebpc::hw::EbpcxShape;

const std::string k_sample_dir = EBPC_FMAPS_SAMPLE_DIR;

// The parts of an ebpcx stream (docs/ebpcx.md "The ebpcx stream"), parsed here on their own.
struct Parsed {
  unsigned format = 0;
  bool is_signed = false;
  unsigned word_nbits = 0;
  unsigned base = 0;
  std::uint64_t row = 0, plane = 0, phase = 0;
  std::vector<std::uint8_t> range, raw;
};

bool parse(const std::vector<std::uint8_t>& s, Parsed& p) {
  if (s.size() < 3) {
    return false;
  }
  p.format = s[0] & 3u;
  p.is_signed = (s[0] & 4u) != 0;
  p.word_nbits = s[1];
  p.base = s[2] + 1u;
  std::size_t at = 3;
  std::uint64_t range_nbytes = 0;
  for (std::uint64_t* f : {&p.row, &p.plane, &p.phase, &range_nbytes}) {
    *f = 0;
    for (unsigned k = 0;; ++k) {
      if (at >= s.size() || k >= 10) {
        return false;
      }
      const std::uint8_t b = s[at++];
      *f |= std::uint64_t{b & 0x7Fu} << (7 * k);
      if ((b & 0x80) == 0) {
        break;
      }
    }
  }
  if (range_nbytes > s.size() - at) {
    return false;
  }
  p.range.assign(s.begin() + static_cast<std::ptrdiff_t>(at), s.begin() + static_cast<std::ptrdiff_t>(at + range_nbytes));
  p.raw.assign(s.begin() + static_cast<std::ptrdiff_t>(at + range_nbytes), s.end());
  return true;
}

ebpc::WordFormat word_format(EbpcxFormat f) {
  return f == EbpcxFormat::fixed ? ebpc::WordFormat::fixed
                                 : (f == EbpcxFormat::float16 ? ebpc::WordFormat::float16 : ebpc::WordFormat::bfloat16);
}

// Encodes words [origin, origin + n) of a map with both coders and compares every part.
void compare(const std::vector<std::uint32_t>& map_words, const EbpcxShape& shape, const EbpcxParams& hp,
             std::uint64_t origin, std::uint64_t n, const std::string& what) {
  SCOPED_TRACE(what);
  const std::span<const std::uint32_t> chunk(map_words.data() + origin, static_cast<std::size_t>(n));
  auto model = ebpc::hw::ebpcx_encode(chunk, shape, hp, origin);
  ASSERT_TRUE(model.has_value());

  ebpc::CodecParams p;
  p.id = ebpc::CodecId::ebpcx;
  p.word_nbits = hp.word_nbits;
  p.elem_nbytes = hp.word_nbits <= 8 ? 1 : 2;
  p.word_format = word_format(hp.format);
  p.row_nwords = shape.width;
  p.plane_nwords = shape.plane_nwords();
  p.first_word_index = origin;
  std::vector<std::uint8_t> elems(static_cast<std::size_t>(n) * p.elem_nbytes);
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (p.elem_nbytes == 1) {
      elems[i] = static_cast<std::uint8_t>(chunk[i]);
    } else {
      const auto v = static_cast<std::uint16_t>(chunk[i]);
      std::memcpy(elems.data() + 2 * i, &v, 2);
    }
  }
  const ebpc::Codec* c = ebpc::find_codec(ebpc::CodecId::ebpcx);
  ASSERT_NE(c, nullptr);
  std::vector<std::uint8_t> out(c->bound_nbytes(elems.size() / p.elem_nbytes, p));
  auto r = c->encode(elems, p, out);
  ASSERT_TRUE(r.has_value()) << ebpc::error_message(r.error());
  out.resize(r->nbytes);

  Parsed s;
  ASSERT_TRUE(parse(out, s));
  EXPECT_EQ(s.format, static_cast<unsigned>(p.word_format));
  EXPECT_EQ(s.word_nbits, hp.word_nbits);
  EXPECT_EQ(s.base, model->streams.base_class);
  EXPECT_EQ(s.is_signed, model->streams.is_signed);
  EXPECT_EQ(s.row, shape.width);
  EXPECT_EQ(s.plane, shape.plane_nwords());
  EXPECT_EQ(s.phase, origin % shape.plane_nwords());
  EXPECT_EQ(s.range, model->streams.range_bytes);
  EXPECT_EQ(s.raw, model->streams.raw_bytes);

  std::vector<std::uint8_t> back(elems.size(), 0xA5);
  auto d = c->decode(out, r->stream0_nbytes, p, back);
  ASSERT_TRUE(d.has_value()) << ebpc::error_message(d.error());
  EXPECT_EQ(back, elems);
  auto md = ebpc::hw::ebpcx_decode(model->streams, n, shape, hp, origin);
  ASSERT_TRUE(md.has_value());
  EXPECT_TRUE(std::equal(md->words.begin(), md->words.end(), chunk.begin(), chunk.end()));
}

TEST(EbpcxCodec, SampleMapsStreamsEqualTheModels) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(k_sample_dir)) {
    if (e.path().extension() == ".npy") {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 37u);
  for (const auto& f : files) {
    auto a = ebpc::read_npy(f);
    ASSERT_TRUE(a.has_value()) << f;
    auto w = ebpc::npy_to_words(*a, 8);
    ASSERT_TRUE(w.has_value()) << f;
    const EbpcxShape shape = ebpc::hw::ebpcx_shape_of(a->header.shape);
    compare(*w, shape, {EbpcxFormat::fixed, 8}, 0, w->size(), f);
  }
}

TEST(EbpcxCodec, SeededRandomMapsAndChunksEqualTheModels) {
  const unsigned seed = std::random_device{}();
  std::printf("EbpcxCodec random seed: %u\n", seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const EbpcxParams formats[] = {{EbpcxFormat::fixed, 2},  {EbpcxFormat::fixed, 5},   {EbpcxFormat::fixed, 8},
                                 {EbpcxFormat::fixed, 12}, {EbpcxFormat::fixed, 16},  {EbpcxFormat::float16, 16},
                                 {EbpcxFormat::bfloat16, 16}};
  for (int iter = 0; iter < 120; ++iter) {
    const EbpcxParams hp = formats[static_cast<std::size_t>(iter) % std::size(formats)];
    EbpcxShape shape;
    shape.channels = 1 + rng() % 6;
    shape.height = 1 + rng() % 9;
    shape.width = 1 + rng() % 13;
    const std::uint64_t n = shape.nwords();
    const double zero_p = static_cast<double>(rng() % 100) / 100.0;
    const unsigned spread = 1 + static_cast<unsigned>(rng() % hp.word_nbits);  // small values: long runs of classes
    std::vector<std::uint32_t> words(static_cast<std::size_t>(n));
    for (auto& x : words) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) < zero_p) {
        x = 0;
      } else if (rng() % 8 == 0) {
        x = static_cast<std::uint32_t>(rng() & ((1ull << hp.word_nbits) - 1));  // any pattern
      } else {
        const std::uint64_t v = rng() & ((1ull << spread) - 1);
        const bool neg = hp.format == EbpcxFormat::fixed && spread < hp.word_nbits && rng() % 3 == 0;
        x = static_cast<std::uint32_t>((neg ? ~v + 1 : v) & ((1ull << hp.word_nbits) - 1));
      }
    }
    const std::uint64_t origin = iter % 2 == 0 ? 0 : rng() % n;
    const std::uint64_t len = origin == 0 ? n : 1 + rng() % (n - origin);
    compare(words, shape, hp, origin, len,
            "iteration " + std::to_string(iter) + " " + ebpc::hw::ebpcx_format_name(hp) + " " +
                std::to_string(shape.channels) + "x" + std::to_string(shape.height) + "x" + std::to_string(shape.width) +
                " origin " + std::to_string(origin) + " words " + std::to_string(len));
  }
}

}  // namespace
