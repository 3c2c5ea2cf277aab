// Golden vectors made with the authors' golden model (tests/data/ebpc_hw_golden.json; the
// format: docs/stream-format.md, whose "Worked examples" are three of them): the production
// coder and the reference coder must reproduce every stream bit for bit.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ebpc/codecs.hpp>
#include <ebpc/ebpc.hpp>

#include "codec/reference/ebpc_reference.hpp"
#include "testutil.hpp"

namespace {

using nlohmann::json;

json load_golden() {
  return json::parse(ebpc::test::read_file(std::string(EBPC_TEST_DATA_DIR) + "/ebpc_hw_golden.json"));
}

std::vector<std::uint32_t> values_of(const json& v) {
  const unsigned w = v["word_width"];
  std::vector<std::uint32_t> out;
  for (const auto& x : v["values"]) {
    const std::int64_t s = x.get<std::int64_t>();
    out.push_back(static_cast<std::uint32_t>(static_cast<std::uint64_t>(s) & ((1ull << w) - 1)));
  }
  return out;
}

std::vector<std::uint8_t> words_hex_to_bytes(const json& hex_words, unsigned w) {
  std::vector<std::uint8_t> out;
  for (const auto& h : hex_words) {
    const auto v = std::stoull(h.get<std::string>(), nullptr, 16);
    for (unsigned byte = (w + 7) / 8; byte-- > 0;) {
      out.push_back(static_cast<std::uint8_t>(v >> (8 * byte)));
    }
  }
  return out;
}

TEST(Golden, HasVectorsOfBothWidths) {
  const json g = load_golden();
  ASSERT_GE(g["vectors"].size(), 8u);
}

TEST(Golden, ProductionEncoderIsBitExact) {
  const json g = load_golden();
  for (const auto& v : g["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const unsigned w = v["word_width"];
    const ebpc::EbpcParams params{w, v["block_size"], v["max_zero_run"]};
    const auto words = values_of(v);
    auto r = ebpc::encode_streams_to_vectors(words, params);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->sizes.znz_nbits, v["znz_num_bits"].get<std::uint64_t>());
    EXPECT_EQ(r->sizes.bpc_nbits, v["bpc_num_bits"].get<std::uint64_t>());
    EXPECT_EQ(r->sizes.znz_nbits + r->sizes.bpc_nbits, v["total_bits_unpadded"].get<std::uint64_t>());
    EXPECT_EQ(r->sizes.znz_padded_nbits + r->sizes.bpc_padded_nbits, v["total_bits_padded"].get<std::uint64_t>());
    // For W = 8 and 16 the padded byte streams are the hardware words, big-endian.
    EXPECT_EQ(r->znz, words_hex_to_bytes(v["znz_words_hex"], w));
    EXPECT_EQ(r->bpc, words_hex_to_bytes(v["bpc_words_hex"], w));
    EXPECT_EQ(r->znz, ebpc::reference::pack_padded(v["znz_bits"], w));
    EXPECT_EQ(r->bpc, ebpc::reference::pack_padded(v["bpc_bits"], w));
  }
}

TEST(Golden, ProductionDecoderRoundTrips) {
  const json g = load_golden();
  for (const auto& v : g["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const unsigned w = v["word_width"];
    const ebpc::EbpcParams params{w, v["block_size"], v["max_zero_run"]};
    const auto words = values_of(v);
    const auto znz = words_hex_to_bytes(v["znz_words_hex"], w);
    const auto bpc = words_hex_to_bytes(v["bpc_words_hex"], w);
    std::vector<std::uint32_t> out(words.size(), 0xdeadbeef);
    auto r = ebpc::decode_streams(znz, bpc, params, std::span<std::uint32_t>(out));
    ASSERT_TRUE(r.has_value()) << ebpc::error_message(r.error());
    EXPECT_EQ(out, words);
    EXPECT_EQ(r->znz_nbits, v["znz_num_bits"].get<std::uint64_t>());
    EXPECT_EQ(r->bpc_nbits, v["bpc_num_bits"].get<std::uint64_t>());
  }
}

TEST(Golden, ReferenceCoderIsBitExact) {
  const json g = load_golden();
  for (const auto& v : g["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const unsigned w = v["word_width"];
    const unsigned b = v["block_size"];
    const unsigned z = v["max_zero_run"];
    const auto words = values_of(v);
    const std::vector<std::uint64_t> values(words.begin(), words.end());
    const auto s = ebpc::reference::encode(values, w, b, z);
    EXPECT_EQ(s.znz_bits, v["znz_bits"].get<std::string>());
    EXPECT_EQ(s.bpc_bits, v["bpc_bits"].get<std::string>());
    const auto back = ebpc::reference::decode(v["znz_bits"], v["bpc_bits"], values.size(), w, b, z);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, values);
  }
}

TEST(Golden, CodecTableGivesExactStreamLengths) {
  const json g = load_golden();
  for (const auto& v : g["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const unsigned w = v["word_width"];
    ebpc::CodecParams p;
    p.id = ebpc::CodecId::ebpc;
    p.word_nbits = w;
    p.elem_nbytes = w <= 8 ? 1 : 2;
    const auto words = values_of(v);
    std::vector<std::uint8_t> in;
    for (auto x : words) {
      in.push_back(static_cast<std::uint8_t>(x));
      if (p.elem_nbytes == 2) {
        in.push_back(static_cast<std::uint8_t>(x >> 8));
      }
    }
    const ebpc::Codec* c = ebpc::find_codec(ebpc::CodecId::ebpc);
    std::vector<std::uint8_t> out(c->bound_nbytes(words.size(), p));
    auto r = c->encode(in, p, out);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->znz_nbits, v["znz_num_bits"].get<std::uint64_t>());
    EXPECT_EQ(r->bpc_nbits, v["bpc_num_bits"].get<std::uint64_t>());
    EXPECT_EQ(r->exact_nbits, v["total_bits_unpadded"].get<std::uint64_t>());
    EXPECT_EQ(r->padded_nbits, v["total_bits_padded"].get<std::uint64_t>());
  }
}

}  // namespace
