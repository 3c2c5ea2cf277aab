// Writes the fuzz seed corpus: valid inputs of each target's layout (fuzz/fuzz_params.hpp),
// made from seeded random words, so fuzzing starts from deep inside the decoders.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>

#include <ebpc/npy.hpp>
#include "testutil.hpp"

namespace {

void write(const std::filesystem::path& dir, int i, const std::vector<std::uint8_t>& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / ("seed-" + std::to_string(i)), std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

unsigned elem_for(unsigned w) { return w <= 8 ? 1u : w <= 16 ? 2u : 4u; }

std::vector<std::uint8_t> word_bytes(const std::vector<std::uint32_t>& words, unsigned elem) {
  std::vector<std::uint8_t> out(words.size() * elem);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::memcpy(out.data() + i * elem, &words[i], elem);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  std::mt19937_64 rng(20261126);
  const unsigned blocks[] = {2, 4, 8, 16, 32};
  for (int i = 0; i < 12; ++i) {
    const unsigned w = i < 4 ? 8 : i < 8 ? 16 : 2 + static_cast<unsigned>(rng() % 31);
    const unsigned bsel = i % 3 == 0 ? 2u : static_cast<unsigned>(rng() % 5);
    const unsigned zsel = 3;  // Z = 16
    const std::size_t n = 1 + rng() % 300;
    const double zeros = (i % 4) * 0.3;
    const auto words = ebpc::test::random_words(rng, n, w, zeros, i % 2 == 0);
    const std::vector<std::uint8_t> head = {static_cast<std::uint8_t>(w - 2), static_cast<std::uint8_t>(bsel),
                                            static_cast<std::uint8_t>(zsel)};
    const ebpc::EbpcParams ep{w, blocks[bsel], 16};
    // ebpc_roundtrip: params + raw words
    auto rt = head;
    const auto wb = word_bytes(words, elem_for(w));
    rt.insert(rt.end(), wb.begin(), wb.end());
    write(root / "ebpc_roundtrip", i, rt);
    // ebpc_decode: params, N, znz length, streams
    auto s = ebpc::encode_streams_to_vectors(words, ep);
    auto dec = head;
    dec.push_back(static_cast<std::uint8_t>(n));
    dec.push_back(static_cast<std::uint8_t>(n >> 8));
    dec.push_back(static_cast<std::uint8_t>(s->znz.size()));
    dec.push_back(static_cast<std::uint8_t>(s->znz.size() >> 8));
    dec.insert(dec.end(), s->znz.begin(), s->znz.end());
    dec.insert(dec.end(), s->bpc.begin(), s->bpc.end());
    write(root / "ebpc_decode", i, dec);
    // baselines: params, N, stream
    for (const char* name : {"zvc", "zrle", "bpc"}) {
      const ebpc::Codec* c = ebpc::find_codec(name);
      ebpc::CodecParams p;
      p.id = c->id;
      p.word_nbits = w;
      p.block_nwords = blocks[bsel];
      p.elem_nbytes = elem_for(w);
      std::vector<std::uint8_t> out(c->bound_nbytes(n, p));
      auto r = c->encode(wb, p, out);
      auto in = head;
      in.push_back(static_cast<std::uint8_t>(n));
      in.push_back(static_cast<std::uint8_t>(n >> 8));
      in.insert(in.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r->nbytes));
      write(root / (std::string(name) + "_decode"), i, in);
    }
    // container: every codec in turn, small chunks
    const ebpc::Codec& codec = ebpc::codec_table()[static_cast<std::size_t>(i) % ebpc::codec_table().size()];
    ebpc::ContainerHeader h;
    h.codec.id = codec.id;
    h.codec.word_nbits = elem_for(w) * 8;
    h.codec.elem_nbytes = elem_for(w);
    h.dtype = elem_for(w) == 1 ? ebpc::DType::int8 : elem_for(w) == 2 ? ebpc::DType::int16 : ebpc::DType::int32;
    h.shape = {n};
    h.nwords = n;
    h.chunk_nwords = 64;
    auto file = ebpc::compress_container(wb, h);
    write(root / "container", i, *file);
    // npy headers
    const std::vector<std::uint64_t> shape = {n, 3, 1};
    write(root / "npy", i, ebpc::make_npy_header(h.dtype, std::span<const std::uint64_t>(shape).first(1 + i % 3), i % 5 == 0));
  }
  // Lanes (version 3): laned EBPC buffers, and containers of laned chunks (seed-100...).
  std::mt19937_64 lrng(20261207);
  for (int i = 0; i < 8; ++i) {
    const unsigned w = i % 3 == 0 ? 8 : i % 3 == 1 ? 16 : 32;
    const unsigned lanes = 2 + static_cast<unsigned>(lrng() % 9);
    const std::size_t n = ebpc::k_min_lane_nwords * lanes + lrng() % 3000;
    const auto words = ebpc::test::random_words(lrng, n, w, 0.2 + 0.1 * i, i % 2 == 0);
    const auto wb = word_bytes(words, elem_for(w));
    ebpc::CodecParams p;
    p.id = ebpc::CodecId::ebpc;
    p.word_nbits = w;
    p.elem_nbytes = elem_for(w);
    p.lanes = lanes;
    // The lanes target decodes into 4-byte words.
    const auto wb4 = word_bytes(words, 4);
    p.elem_nbytes = 4;
    const ebpc::Codec* c = ebpc::find_codec(ebpc::CodecId::ebpc);
    std::vector<std::uint8_t> out(c->bound_nbytes(n, p));
    auto r = c->encode(wb4, p, out);
    std::vector<std::uint8_t> in = {static_cast<std::uint8_t>(w - 2), 2, 3, static_cast<std::uint8_t>(lanes - 1),
                                    static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8),
                                    static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(r->stream0_nbytes),
                                    static_cast<std::uint8_t>(r->stream0_nbytes >> 8)};
    in.insert(in.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r->nbytes));
    write(root / "ebpc_lanes", 100 + i, in);
    ebpc::ContainerHeader h;
    h.codec.id = ebpc::CodecId::ebpc;
    h.codec.word_nbits = elem_for(w) * 8;
    h.codec.elem_nbytes = elem_for(w);
    h.codec.lanes = lanes;
    h.dtype = elem_for(w) == 1 ? ebpc::DType::uint8 : elem_for(w) == 2 ? ebpc::DType::uint16 : ebpc::DType::uint32;
    h.shape = {n};
    h.nwords = n;
    h.chunk_nwords = static_cast<std::uint32_t>(n / 2 + 1);
    auto file = ebpc::compress_container(wb, h);
    write(root / "container", 100 + i, *file);
  }
  // ebpcx_decode: W, format, N, an ebpcx stream of feature-map-like words (seed-200...).
  std::mt19937_64 xrng(20261208);
  for (int i = 0; i < 6; ++i) {
    const unsigned w = i < 2 ? 8 : 16;
    const unsigned format = i < 3 ? 0u : static_cast<unsigned>(i % 3);
    const std::size_t n = 1 + xrng() % 2000;
    const auto words = ebpc::test::random_words(xrng, n, w, 0.2 * i, i % 2 == 0);
    ebpc::CodecParams p;
    p.id = ebpc::CodecId::ebpcx;
    p.word_nbits = w;
    p.elem_nbytes = elem_for(w);
    p.word_format = static_cast<ebpc::WordFormat>(format);
    p.row_nwords = 10 + static_cast<unsigned>(i);
    p.plane_nwords = p.row_nwords * 5;
    const auto wb = word_bytes(words, elem_for(w));
    const ebpc::Codec* c = ebpc::find_codec(ebpc::CodecId::ebpcx);
    std::vector<std::uint8_t> out(c->bound_nbytes(n, p));
    auto r = c->encode(wb, p, out);
    std::vector<std::uint8_t> in = {static_cast<std::uint8_t>(w - 2), static_cast<std::uint8_t>(format),
                                    static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8)};
    in.insert(in.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r->nbytes));
    write(root / "ebpcx_decode", 200 + i, in);
  }
  return 0;
}
