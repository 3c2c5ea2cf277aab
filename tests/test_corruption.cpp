// Corruption suite: truncation at every byte, single-bit flips and lying headers, for
// both EBPC streams, every baseline and the container. A decoder must return an error
// or (where the damage only touched bits it ignores, such as padding) the original data;
// ASan/UBSan builds check that it never reads or writes out of bounds.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>

#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>

#include "common/endian.hpp"
#include "testutil.hpp"

namespace {

std::vector<std::uint32_t> sample_words(std::size_t n, unsigned w, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return ebpc::test::random_words(rng, n, w, 0.45, true);
}

TEST(Corruption, EbpcStreamsTruncatedAtEveryByte) {
  const auto words = sample_words(1500, 8, 1);
  const ebpc::EbpcParams p{8, 8, 16};
  auto s = ebpc::encode_streams_to_vectors(words, p);
  ASSERT_TRUE(s.has_value());
  std::vector<std::uint32_t> out(words.size());
  for (int which = 0; which < 2; ++which) {
    const auto& full = which == 0 ? s->znz : s->bpc;
    std::size_t errors = 0;
    for (std::size_t len = 0; len < full.size(); ++len) {
      const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      auto r = which == 0 ? ebpc::decode_streams(cut, s->bpc, p, std::span<std::uint32_t>(out))
                          : ebpc::decode_streams(s->znz, cut, p, std::span<std::uint32_t>(out));
      if (r) {
        ASSERT_EQ(out, words) << "stream " << which << " cut to " << len << " bytes decoded to other data";
      } else {
        ASSERT_EQ(r.error(), ebpc::Error::truncated) << "stream " << which << " len " << len;
        ++errors;
      }
    }
    // Only the last (padding) byte may be dropped without an error.
    EXPECT_GE(errors + 1, full.size());
  }
}

TEST(Corruption, EbpcStreamsSingleBitFlips) {
  const auto words = sample_words(600, 16, 2);
  const ebpc::EbpcParams p{16, 8, 16};
  auto s = ebpc::encode_streams_to_vectors(words, p);
  ASSERT_TRUE(s.has_value());
  std::vector<std::uint32_t> out(words.size());
  std::size_t detected = 0;
  std::size_t flips = 0;
  for (int which = 0; which < 2; ++which) {
    const auto& full = which == 0 ? s->znz : s->bpc;
    for (std::size_t bit = 0; bit < full.size() * 8; ++bit) {
      auto bad = full;
      bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (0x80u >> (bit % 8)));
      auto r = which == 0 ? ebpc::decode_streams(bad, s->bpc, p, std::span<std::uint32_t>(out))
                          : ebpc::decode_streams(s->znz, bad, p, std::span<std::uint32_t>(out));
      ++flips;
      detected += r ? 0u : 1u;
    }
  }
  // The streams carry no checksum (the container does): many flips decode to other
  // data, but none may crash, and a good share must be caught by the code structure.
  EXPECT_GT(detected, flips / 20);
}

TEST(Corruption, BaselinesTruncatedAndFlipped) {
  for (const char* name : {"zvc", "zrle", "bpc", "ebpc", "zstd", "lz4", "deflate"}) {
    SCOPED_TRACE(name);
    const ebpc::Codec* c = ebpc::find_codec(name);
    ebpc::CodecParams p;
    p.id = c->id;
    p.word_nbits = 12;
    p.elem_nbytes = 2;
    const auto words = sample_words(700, 12, 3);
    std::vector<std::uint8_t> in(words.size() * 2);
    for (std::size_t i = 0; i < words.size(); ++i) {
      ebpc::store_le<std::uint16_t>(in.data() + 2 * i, static_cast<std::uint16_t>(words[i]));
    }
    std::vector<std::uint8_t> coded(c->bound_nbytes(words.size(), p));
    auto e = c->encode(in, p, coded);
    ASSERT_TRUE(e.has_value());
    coded.resize(e->nbytes);
    std::vector<std::uint8_t> out(in.size());
    for (std::size_t len = 0; len < coded.size(); ++len) {
      const std::vector<std::uint8_t> cut(coded.begin(), coded.begin() + static_cast<std::ptrdiff_t>(len));
      auto r = c->decode(cut, std::min(e->stream0_nbytes, len), p, out);
      ASSERT_FALSE(r.has_value()) << "cut to " << len << " of " << coded.size() << " bytes still decoded";
    }
    for (std::size_t bit = 0; bit < coded.size() * 8; bit += 3) {
      auto bad = coded;
      bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (0x80u >> (bit % 8)));
      (void)c->decode(bad, e->stream0_nbytes, p, out);  // must not crash (sanitizers check)
    }
  }
}

ebpc::ContainerHeader header_for(ebpc::CodecId id, std::uint64_t n) {
  ebpc::ContainerHeader h;
  h.codec.id = id;
  h.codec.word_nbits = 8;
  h.codec.elem_nbytes = 1;
  h.dtype = ebpc::DType::int8;
  h.shape = {n};
  h.nwords = n;
  h.chunk_nwords = 256;
  return h;
}

std::vector<std::uint8_t> container_of(ebpc::CodecId id, const std::vector<std::uint32_t>& words) {
  std::vector<std::uint8_t> elems(words.begin(), words.end());
  auto file = ebpc::compress_container(elems, header_for(id, words.size()));
  EXPECT_TRUE(file.has_value());
  return *file;
}

TEST(Corruption, ContainerTruncatedAtEveryByteAndFlipped) {
  const auto words = sample_words(1000, 8, 4);
  const std::vector<std::uint8_t> elems(words.begin(), words.end());
  for (const ebpc::Codec& c : ebpc::codec_table()) {
    SCOPED_TRACE(std::string(c.name));
    const auto file = container_of(c.id, words);
    for (std::size_t len = 0; len < file.size(); ++len) {
      auto r = ebpc::decompress_container(std::span<const std::uint8_t>(file).first(len), nullptr, 1 << 20);
      ASSERT_FALSE(r.has_value()) << "cut to " << len;
    }
    std::size_t accepted = 0;
    for (std::size_t bit = 0; bit < file.size() * 8; ++bit) {
      auto bad = file;
      bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
      auto r = ebpc::decompress_container(bad, nullptr, 1 << 20);
      if (r) {
        // Only bits the decoders ignore (stream padding) may flip unnoticed.
        ASSERT_EQ(*r, elems) << "bit " << bit << " flipped gave other data";
        ++accepted;
      }
    }
    EXPECT_LT(accepted, file.size());
    // Trailing garbage.
    auto longer = file;
    longer.push_back(0);
    EXPECT_EQ(ebpc::decompress_container(longer, nullptr, 1 << 20).error(), ebpc::Error::corrupt);
  }
}

// Rewrites a header field and fixes the header checksum, as a forger would.
std::vector<std::uint8_t> forge(std::vector<std::uint8_t> file, std::size_t offset, const void* value,
                                std::size_t nbytes) {
  std::memcpy(file.data() + offset, value, nbytes);
  const std::size_t header_nbytes = 32 + 8 * std::size_t{file[13]} + 4;
  ebpc::store_le<std::uint32_t>(file.data() + header_nbytes - 4, XXH32(file.data(), header_nbytes - 4, 0));
  return file;
}

TEST(Corruption, LyingHeaders) {
  const auto words = sample_words(1000, 8, 5);
  const auto file = container_of(ebpc::CodecId::ebpc, words);
  const auto decode = [](const std::vector<std::uint8_t>& f) { return ebpc::decompress_container(f, nullptr, 1 << 20); };
  ASSERT_TRUE(decode(file).has_value());
  // Unforged header change: checksum catches it.
  auto bad = file;
  bad[7] = 9;
  EXPECT_EQ(decode(bad).error(), ebpc::Error::corrupt);
  // Huge word count (shape and nwords agree): the caller's limit refuses it before any allocation.
  const std::uint64_t huge = std::uint64_t{1} << 40;
  auto f1 = forge(forge(file, 24, &huge, 8), 32, &huge, 8);
  EXPECT_EQ(decode(f1).error(), ebpc::Error::limit_exceeded);
  // A word count within the limit but more chunks than the file can hold.
  const std::uint64_t many = 1000000;
  auto f2 = forge(forge(file, 24, &many, 8), 32, &many, 8);
  EXPECT_EQ(decode(f2).error(), ebpc::Error::truncated);
  // Shape that disagrees with the word count.
  const std::uint64_t other = 999;
  EXPECT_EQ(decode(forge(file, 32, &other, 8)).error(), ebpc::Error::corrupt);
  // Chunk larger than any decoder will allocate.
  const std::uint32_t big_chunk = 0xffffffffu;
  EXPECT_EQ(decode(forge(file, 16, &big_chunk, 4)).error(), ebpc::Error::limit_exceeded);
  // Unknown codec, unknown dtype, width above the dtype, bad block size.
  const std::uint8_t codec = 99;
  EXPECT_EQ(decode(forge(file, 5, &codec, 1)).error(), ebpc::Error::corrupt);
  const std::uint8_t dtype = 0;
  EXPECT_EQ(decode(forge(file, 6, &dtype, 1)).error(), ebpc::Error::corrupt);
  const std::uint8_t width = 9;
  EXPECT_EQ(decode(forge(file, 7, &width, 1)).error(), ebpc::Error::corrupt);
  const std::uint8_t block = 7;
  EXPECT_EQ(decode(forge(file, 8, &block, 1)).error(), ebpc::Error::corrupt);
  // A version this build does not know.
  bad = file;
  bad[4] = ebpc::k_container_version + 1;
  EXPECT_EQ(decode(bad).error(), ebpc::Error::unsupported_version);
  // Not a container at all.
  const std::vector<std::uint8_t> junk = {'N', 'O', 'P', 'E', 1, 2, 3};
  EXPECT_EQ(decode(junk).error(), ebpc::Error::corrupt);
  // A chunk that claims more payload than its codec's bound.
  const std::size_t first_chunk = 32 + 8 + 4;
  bad = file;
  ebpc::store_le<std::uint32_t>(bad.data() + first_chunk, 0x7fffffffu);
  EXPECT_EQ(decode(bad).error(), ebpc::Error::corrupt);
  // A chunk whose ZNZ length exceeds its payload.
  bad = file;
  ebpc::store_le<std::uint32_t>(bad.data() + first_chunk + 4, ebpc::load_le<std::uint32_t>(bad.data() + first_chunk) + 1);
  EXPECT_EQ(decode(bad).error(), ebpc::Error::corrupt);
  // A wrong checksum.
  bad = file;
  bad[first_chunk + 8] ^= 1;
  EXPECT_EQ(decode(bad).error(), ebpc::Error::checksum_mismatch);
}

TEST(Corruption, DecoderRefusesHostileWordCountsCheaply) {
  // Empty streams claiming a million words: fails at once, not after a million steps.
  const ebpc::EbpcParams p{8, 8, 16};
  std::vector<std::uint32_t> out(1000000);
  auto r = ebpc::decode_streams({}, {}, p, std::span<std::uint32_t>(out));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), ebpc::Error::truncated);
}

}  // namespace
