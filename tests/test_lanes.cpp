// Lanes (docs/format.md "Lanes") and container version 3's trailer: the lane geometry, each
// lane's streams being exactly the hardware streams of its slice, damaged lanes failing as
// the lane alone fails, and chunks bound to their file.
#include <gtest/gtest.h>

#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>

#include <random>

#include "codec/baselines.hpp"
#include "codec/ebpc_params.hpp"
#include "common/endian.hpp"
#include "testutil.hpp"

namespace {

using ebpc::CodecId;
using ebpc::CodecParams;

CodecParams ebpc_params(unsigned w, unsigned b, unsigned lanes) {
  CodecParams p;
  p.id = CodecId::ebpc;
  p.word_nbits = w;
  p.elem_nbytes = 4;
  p.block_nwords = b;
  p.lanes = lanes;
  return p;
}

std::vector<std::uint8_t> as_bytes(const std::vector<std::uint32_t>& words) {
  std::vector<std::uint8_t> out(words.size() * 4);
  if (!words.empty()) {
    std::memcpy(out.data(), words.data(), out.size());
  }
  return out;
}

struct Coded {
  std::vector<std::uint8_t> bytes;
  std::size_t stream0 = 0;
};

Coded encode(const std::vector<std::uint32_t>& words, const CodecParams& p) {
  const ebpc::Codec* c = ebpc::find_codec(CodecId::ebpc);
  Coded out;
  out.bytes.resize(c->bound_nbytes(words.size(), p));
  auto r = c->encode(as_bytes(words), p, out.bytes);
  EXPECT_TRUE(r.has_value());
  out.bytes.resize(r->nbytes);
  out.stream0 = r->stream0_nbytes;
  return out;
}

ebpc::Result<std::vector<std::uint32_t>> decode(const Coded& c, const CodecParams& p, std::size_t n) {
  std::vector<std::uint8_t> out(n * 4);
  auto r = ebpc::find_codec(CodecId::ebpc)->decode(c.bytes, c.stream0, p, out);
  if (!r) {
    return tl::unexpected(r.error());
  }
  std::vector<std::uint32_t> words(n);
  if (n != 0) {
    std::memcpy(words.data(), out.data(), out.size());
  }
  return words;
}

// Smooth 8-bit words, half or so zeros, coded with W = 8, B = 8 and the given lanes.
struct Sample {
  std::vector<std::uint32_t> words;
  CodecParams p;
  Coded coded;
};
Sample laned_sample(std::mt19937_64& rng, std::size_t n, double zero_fraction, unsigned lanes) {
  Sample s;
  s.words = ebpc::test::random_words(rng, n, 8, zero_fraction, true);
  s.p = ebpc_params(8, 8, lanes);
  s.coded = encode(s.words, s.p);
  return s;
}

TEST(Lanes, GeometryCoversTheBufferAndNoLaneIsEmpty) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 4000; ++trial) {
    const std::size_t n = trial < 3000 ? static_cast<std::size_t>(trial) * 211 : rng() % (std::size_t{1} << 24);
    for (unsigned lanes : {1u, 2u, 3u, 4u, 8u, 17u, 32u}) {
      const unsigned count = ebpc::lane_count(n, lanes);
      ASSERT_GE(count, 1u);
      ASSERT_LE(count, lanes);
      ASSERT_LE(count, std::max<std::size_t>(1, n / ebpc::k_min_lane_nwords));
      const std::size_t stride = ebpc::lane_stride_nwords(n, count);
      if (count > 1) {
        ASSERT_EQ(stride % ebpc::k_lane_align_nwords, 0u);
        ASSERT_GE(stride, ebpc::k_min_lane_nwords);
        ASSERT_LT(stride * (count - 1), n) << n << " " << lanes;  // the last lane has words
        ASSERT_LE(n - stride * (count - 1), stride + ebpc::k_lane_align_nwords * count);
      } else {
        ASSERT_EQ(stride, n);
      }
    }
  }
  constexpr std::size_t m = ebpc::k_min_lane_nwords;
  EXPECT_EQ(ebpc::lane_count(1u << 20, 8), 8u);
  EXPECT_EQ(ebpc::lane_count(m - 1, 8), 1u);
  EXPECT_EQ(ebpc::lane_count(3 * m + 5, 8), 3u);
}

// Each lane is coded exactly as the hardware codes its slice of the words (encode_streams), and
// one lane is today's layout: the ZNZ stream, then the BPC stream, no lane table.
TEST(Lanes, EachLaneIsTheHardwareStreamsOfItsSlice) {
  std::mt19937_64 rng(11);
  for (unsigned w : {8u, 16u, 32u}) {
    for (unsigned b : {8u, 16u}) {
      for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{40000},
                            std::size_t{140001}}) {
        const auto words = ebpc::test::random_words(rng, n, w, 0.5, true);
        for (unsigned lanes : {1u, 2u, 3u, 8u, 32u}) {
          const auto p = ebpc_params(w, b, lanes);
          const Coded coded = encode(words, p);
          auto lane_list = ebpc::detail::ebpc_parse_lanes(coded.bytes, coded.stream0, n, lanes);
          ASSERT_TRUE(lane_list.has_value());
          ASSERT_EQ(lane_list->size(), ebpc::lane_count(n, lanes));
          std::size_t next = 0;
          for (const auto& lane : *lane_list) {
            ASSERT_EQ(lane.first_word, next);
            next += lane.nwords;
            const std::span<const std::uint32_t> slice(words.data() + lane.first_word, lane.nwords);
            auto hw = ebpc::encode_streams_to_vectors(slice, ebpc::EbpcParams{w, b, 16});
            ASSERT_TRUE(hw.has_value());
            ASSERT_TRUE(std::equal(lane.znz.begin(), lane.znz.end(), hw->znz.begin(), hw->znz.end()));
            ASSERT_TRUE(std::equal(lane.bpc.begin(), lane.bpc.end(), hw->bpc.begin(), hw->bpc.end()));
          }
          ASSERT_EQ(next, n);
          if (lane_list->size() == 1) {
            ASSERT_EQ(coded.stream0, (*lane_list)[0].znz.size());
            ASSERT_EQ(coded.bytes.size(), (*lane_list)[0].znz.size() + (*lane_list)[0].bpc.size());
          }
          auto back = decode(coded, p, n);
          ASSERT_TRUE(back.has_value()) << w << " " << b << " " << n << " " << lanes;
          ASSERT_EQ(*back, words);
        }
      }
    }
  }
}

// A damaged lane fails (or not) exactly as that lane's streams alone fail, and the other
// lanes' words are not what decides it.
TEST(Lanes, OneDamagedLaneFailsAsTheLaneAlone) {
  std::mt19937_64 rng(5);
  const std::size_t n = 8 * ebpc::k_min_lane_nwords + 100;
  const auto [words, p, coded] = laned_sample(rng, n, 0.4, 8);
  auto lanes = ebpc::detail::ebpc_parse_lanes(coded.bytes, coded.stream0, n, 8);
  ASSERT_TRUE(lanes.has_value());
  ASSERT_EQ(lanes->size(), 8u);
  int failures = 0;
  for (std::size_t k = 0; k < lanes->size(); ++k) {
    for (int flip = 0; flip < 24; ++flip) {
      Coded bad = coded;
      const auto& lane = (*lanes)[k];
      const bool in_bpc = flip % 2 == 0;
      const auto& stream = in_bpc ? lane.bpc : lane.znz;
      const std::size_t at = static_cast<std::size_t>(stream.data() - coded.bytes.data()) + rng() % stream.size();
      bad.bytes[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      // The lane alone, with the container's exact-end rule.
      auto bad_lanes = ebpc::detail::ebpc_parse_lanes(bad.bytes, bad.stream0, n, 8);
      ASSERT_TRUE(bad_lanes.has_value());
      const auto& bl = (*bad_lanes)[k];
      std::vector<std::uint32_t> alone(bl.nwords);
      auto ra = ebpc::decode_streams(bl.znz, bl.bpc, ebpc::EbpcParams{8, 8, 16}, std::span<std::uint32_t>(alone));
      ebpc::Result<void> alone_result;
      if (!ra) {
        alone_result = tl::unexpected(ra.error());
      } else if (ebpc::detail::padded_nbytes(ra->znz_nbits, 8) != bl.znz.size() ||
                 ebpc::detail::padded_nbytes(ra->bpc_nbits, 8) != bl.bpc.size()) {
        alone_result = tl::unexpected(ebpc::Error::corrupt);
      }
      auto whole = decode(bad, p, n);
      ASSERT_EQ(whole.has_value(), alone_result.has_value()) << k << " " << flip;
      if (!whole) {
        ++failures;
        EXPECT_EQ(whole.error(), alone_result.error());
      } else {
        // The damage decoded to other words in lane k only.
        for (std::size_t i = 0; i < n; ++i) {
          if (i < bl.first_word || i >= bl.first_word + bl.nwords) {
            ASSERT_EQ((*whole)[i], words[i]);
          } else {
            ASSERT_EQ((*whole)[i], alone[i - bl.first_word]);
          }
        }
      }
    }
  }
  EXPECT_GT(failures, 60);  // most single-bit flips are caught by the stream grammar alone
}

TEST(Lanes, LaneTableIsChecked) {
  std::mt19937_64 rng(3);
  const std::size_t n = 4 * ebpc::k_min_lane_nwords + 900;
  const auto [words, p, coded] = laned_sample(rng, n, 0.5, 4);
  ASSERT_TRUE(decode(coded, p, n).has_value());
  // A lane's ZNZ size moved to its BPC size: the sum of the ZNZ sizes no longer matches.
  {
    Coded bad = coded;
    const auto z = ebpc::load_le<std::uint32_t>(bad.bytes.data() + 8);
    const auto b = ebpc::load_le<std::uint32_t>(bad.bytes.data() + 12);
    ebpc::store_le<std::uint32_t>(bad.bytes.data() + 8, z - 1);
    ebpc::store_le<std::uint32_t>(bad.bytes.data() + 12, b + 1);
    EXPECT_EQ(decode(bad, p, n).error(), ebpc::Error::corrupt);
  }
  // A lane claiming more bytes than there are.
  for (std::uint32_t huge : {0xFFFFFFFFu, 0x7FFFFFFFu, static_cast<std::uint32_t>(coded.bytes.size())}) {
    Coded bad = coded;
    ebpc::store_le<std::uint32_t>(bad.bytes.data() + 4, huge);
    EXPECT_EQ(decode(bad, p, n).error(), ebpc::Error::corrupt);
  }
  // stream0 that is not the ZNZ total; a payload shorter than the table.
  Coded bad = coded;
  bad.stream0 += 1;
  EXPECT_EQ(decode(bad, p, n).error(), ebpc::Error::corrupt);
  bad = coded;
  bad.bytes.resize(20);
  EXPECT_EQ(decode(bad, p, n).error(), ebpc::Error::corrupt);
  bad = coded;
  bad.bytes.push_back(0);
  EXPECT_EQ(decode(bad, p, n).error(), ebpc::Error::corrupt);
  // Lanes are EBPC's only.
  CodecParams z;
  z.id = CodecId::zstd;
  z.lanes = 2;
  EXPECT_FALSE(ebpc::validate(z).has_value());
  EXPECT_FALSE(ebpc::validate(ebpc_params(8, 8, 0)).has_value());
  EXPECT_FALSE(ebpc::validate(ebpc_params(8, 8, 33)).has_value());
}

TEST(Lanes, CodecSpec) {
  CodecParams p;
  ASSERT_TRUE(ebpc::parse_codec_spec("ebpc-L8", p).has_value());
  EXPECT_EQ(p.lanes, 8u);
  EXPECT_EQ(ebpc::codec_spec(p), "ebpc-L8");
  ASSERT_TRUE(ebpc::parse_codec_spec("ebpc", p).has_value());
  EXPECT_EQ(p.lanes, 1u);
  EXPECT_EQ(ebpc::codec_spec(p), "ebpc");
  for (const char* bad : {"ebpc-L0", "ebpc-L33", "ebpc-L", "zstd-L2", "ebpc-Lx", "ebpc-L-1"}) {
    EXPECT_FALSE(ebpc::parse_codec_spec(bad, p).has_value()) << bad;
  }
}

// ---- Container version 3.

ebpc::ContainerHeader header(std::uint64_t n, std::uint32_t chunk, unsigned lanes) {
  std::vector<std::uint64_t> shape{n};
  ebpc::ArrayOptions o;
  o.chunk_nwords = chunk;
  o.lanes = lanes;
  auto h = ebpc::make_container_header(ebpc::DType::uint8, shape, false, o);
  EXPECT_TRUE(h.has_value());
  return *h;
}

std::vector<std::uint8_t> photo(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  auto w = ebpc::test::random_words(rng, n, 8, 0.5, true);
  return std::vector<std::uint8_t>(w.begin(), w.end());
}

std::vector<std::size_t> chunk_offsets(const std::vector<std::uint8_t>& file, const ebpc::ContainerHeader& h) {
  std::vector<std::size_t> offs;
  std::size_t off = ebpc::serialize_header(h).size();
  for (std::uint64_t k = 0; k <= h.nchunks(); ++k) {
    offs.push_back(off);
    if (k < h.nchunks()) {
      off += ebpc::k_chunk_header_nbytes + ebpc::load_le<std::uint32_t>(file.data() + off);
    }
  }
  return offs;
}

ebpc::Outcome<std::vector<std::uint8_t>> read_stream(const std::vector<std::uint8_t>& file, unsigned threads) {
  ebpc::StreamOptions so;
  so.threads = threads;
  auto r = ebpc::ContainerReader::open(ebpc::memory_source(file), so);
  if (!r) {
    return tl::unexpected(r.error());
  }
  std::vector<std::uint8_t> out((*r)->header().nwords);
  if (auto a = (*r)->read_all(out); !a) {
    return tl::unexpected(a.error());
  }
  return out;
}

TEST(ContainerV3, HeaderCarriesLanesAndTheLaneLayoutRoundTrips) {
  const auto elems = photo(1, 200000);
  for (unsigned lanes : {1u, 4u, 8u}) {
    const auto h = header(elems.size(), 65536, lanes);
    auto file = ebpc::compress_container(elems, h);
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ((*file)[4], 3);
    EXPECT_EQ((*file)[14], lanes);
    std::size_t n = 0;
    auto parsed = ebpc::parse_header(*file, &n);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->codec.lanes, lanes);
    ebpc::ContainerHeader hh;
    auto back = ebpc::decompress_container(*file, &hh, UINT64_MAX);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, elems);
    auto s = read_stream(*file, 2);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(*s, elems);
  }
  // Lanes on another codec, or lanes in a version-2 header, are refused.
  auto h = header(elems.size(), 65536, 8);
  h.version = 2;
  EXPECT_FALSE(ebpc::validate(h).has_value());
  ebpc::ArrayOptions o;
  o.codec = "zstd";
  o.lanes = 8;
  std::vector<std::uint64_t> shape{100};
  auto hz = ebpc::make_container_header(ebpc::DType::uint8, shape, false, o);
  ASSERT_TRUE(hz.has_value());
  EXPECT_EQ(hz->codec.lanes, 1u);
  o.codec = "ebpc";
  o.lanes = 0;
  EXPECT_FALSE(ebpc::make_container_header(ebpc::DType::uint8, shape, false, o).has_value());
  o.codec = "ebpc-L2";
  o.lanes = 8;
  EXPECT_EQ(ebpc::make_container_header(ebpc::DType::uint8, shape, false, o)->codec.lanes, 2u);
}

// The same layer of two photos: identical headers. Chunk 1 of the second put in place of
// chunk 1 of the first passes its own checksum; version 3's trailer catches it.
TEST(ContainerV3, AChunkFromAnotherFileIsDetected) {
  const std::size_t n = 160000;
  const auto a = photo(1, n);
  auto b = a;
  for (std::size_t i = 40000; i < 80000; ++i) {
    b[i] = static_cast<std::uint8_t>(a[i] == 0 ? 0 : (a[i] & 0x7f) + 1);  // other values, same zeros
  }
  for (std::uint8_t version : {std::uint8_t{2}, std::uint8_t{3}}) {
    auto h = header(n, 40000, version >= 3 ? 8 : 1);
    h.version = version;
    auto fa = ebpc::compress_container(a, h);
    auto fb = ebpc::compress_container(b, h);
    ASSERT_TRUE(fa.has_value() && fb.has_value());
    const auto oa = chunk_offsets(*fa, h);
    const auto ob = chunk_offsets(*fb, h);
    std::vector<std::uint8_t> mixed(fa->begin(), fa->begin() + static_cast<std::ptrdiff_t>(oa[1]));
    mixed.insert(mixed.end(), fb->begin() + static_cast<std::ptrdiff_t>(ob[1]), fb->begin() + static_cast<std::ptrdiff_t>(ob[2]));
    mixed.insert(mixed.end(), fa->begin() + static_cast<std::ptrdiff_t>(oa[2]), fa->end());
    std::vector<std::uint8_t> out(n);
    auto d = ebpc::decompress_container_into(mixed, out, 2);
    auto s = read_stream(mixed, 1);
    if (version == 2) {
      // Version 2 cannot tell (docs/format.md says so).
      EXPECT_TRUE(d.has_value());
      EXPECT_TRUE(s.has_value());
    } else {
      ASSERT_FALSE(d.has_value());
      EXPECT_EQ(d.error().code, ebpc::Error::checksum_mismatch);
      EXPECT_EQ(d.error().message, "trailer mismatch: the chunks are not the ones this file was written with");
      ASSERT_FALSE(s.has_value());
      EXPECT_EQ(s.error().code, ebpc::Error::checksum_mismatch);
    }
  }
}

TEST(ContainerV3, TrailerIsRequiredAndChecked) {
  const auto elems = photo(2, 120000);
  const auto h = header(elems.size(), 40000, 8);
  auto file = ebpc::compress_container(elems, h);
  ASSERT_TRUE(file.has_value());
  std::vector<std::uint8_t> out(elems.size());
  ASSERT_TRUE(ebpc::decompress_container_into(*file, out, 1).has_value());
  auto cut = *file;
  cut.resize(cut.size() - ebpc::k_trailer_nbytes);
  EXPECT_EQ(ebpc::decompress_container_into(cut, out, 1).error().code, ebpc::Error::truncated);
  EXPECT_EQ(read_stream(cut, 2).error().code, ebpc::Error::truncated);
  auto flipped = *file;
  flipped.back() ^= 0x10;
  EXPECT_EQ(ebpc::decompress_container_into(flipped, out, 1).error().code, ebpc::Error::checksum_mismatch);
  EXPECT_EQ(read_stream(flipped, 2).error().code, ebpc::Error::checksum_mismatch);
  auto longer = *file;
  longer.push_back(0);
  EXPECT_EQ(ebpc::decompress_container_into(longer, out, 1).error().code, ebpc::Error::corrupt);
  EXPECT_EQ(read_stream(longer, 2).error().code, ebpc::Error::corrupt);
  // An empty array still has its trailer.
  const auto h0 = header(0, 8192, 8);
  auto empty = ebpc::compress_container({}, h0);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->size(), ebpc::serialize_header(h0).size() + ebpc::k_trailer_nbytes);
  EXPECT_TRUE(read_stream(*empty, 1).has_value());
  // The streaming writer writes the bytes compress_container writes.
  std::vector<std::uint8_t> streamed;
  auto w = ebpc::ContainerWriter::create(h, ebpc::vector_sink(streamed));
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE((*w)->write(elems).has_value());
  ASSERT_TRUE((*w)->finish().has_value());
  ASSERT_TRUE((*w)->finish().has_value());  // twice: one trailer
  EXPECT_EQ(streamed, *file);
}

}  // namespace
