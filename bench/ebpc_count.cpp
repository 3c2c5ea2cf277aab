// Instruction-count driver for callgrind (repeatable, unlike wall-clock time on a shared
// machine): encodes, or encodes then decodes, every .npy given, with only the codec calls
// collected. Usage:
//   valgrind --tool=callgrind --collect-atstart=no ebpc_count encode|decode W FILE... [--block B]
// and divide "Collected" by the word count it prints (EBPC with B = 8 unless --block). Any codec of the table (zvc, zrle,
// bpc, ...) the same way: ebpc_count encode|decode W FILE... --codec NAME.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <ebpc/codecs.hpp>
#include <ebpc/ebpc.hpp>

#include <ebpc/npy.hpp>

namespace {

template <class Word>
int run(bool decode, const std::vector<std::vector<std::uint32_t>>& inputs, const ebpc::EbpcParams& params) {
  std::size_t total = 0;
  for (const auto& in32 : inputs) {
    const std::vector<Word> words(in32.begin(), in32.end());
    std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(words.size(), params));
    std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(words.size(), params));
    if (!decode) {
      CALLGRIND_TOGGLE_COLLECT;
    }
    auto s = ebpc::encode_streams(std::span<const Word>(words), params, znz, bpc);
    if (!decode) {
      CALLGRIND_TOGGLE_COLLECT;
    }
    if (!s) {
      std::fprintf(stderr, "encode failed\n");
      return 1;
    }
    if (decode) {
      std::vector<Word> out(words.size());
      const std::span<const std::uint8_t> z(znz.data(), (s->znz_padded_nbits + 7) / 8);
      const std::span<const std::uint8_t> b(bpc.data(), (s->bpc_padded_nbits + 7) / 8);
      CALLGRIND_TOGGLE_COLLECT;
      auto d = ebpc::decode_streams(z, b, params, std::span<Word>(out));
      CALLGRIND_TOGGLE_COLLECT;
      if (!d || out != words) {
        std::fprintf(stderr, "decode failed\n");
        return 1;
      }
    }
    total += words.size();
  }
  std::printf("words %zu\n", total);
  return 0;
}

int run_codec(bool decode, const std::vector<std::vector<std::uint32_t>>& inputs, const char* name, unsigned w) {
  const ebpc::Codec* c = ebpc::find_codec(name);
  if (c == nullptr) {
    std::fprintf(stderr, "unknown codec %s\n", name);
    return 2;
  }
  ebpc::CodecParams p;
  p.id = c->id;
  p.word_nbits = w;
  p.elem_nbytes = w <= 8 ? 1 : w <= 16 ? 2 : 4;
  std::size_t total = 0;
  for (const auto& in32 : inputs) {
    std::vector<std::uint8_t> bytes(in32.size() * p.elem_nbytes);
    for (std::size_t i = 0; i < in32.size(); ++i) {
      std::memcpy(bytes.data() + i * p.elem_nbytes, &in32[i], p.elem_nbytes);  // little-endian host
    }
    std::vector<std::uint8_t> coded(c->bound_nbytes(in32.size(), p));
    if (!decode) {
      CALLGRIND_TOGGLE_COLLECT;
    }
    auto r = c->encode(bytes, p, coded);
    if (!decode) {
      CALLGRIND_TOGGLE_COLLECT;
    }
    if (!r) {
      std::fprintf(stderr, "encode failed\n");
      return 1;
    }
    if (decode) {
      std::vector<std::uint8_t> out(bytes.size());
      const std::span<const std::uint8_t> in(coded.data(), r->nbytes);
      CALLGRIND_TOGGLE_COLLECT;
      auto d = c->decode(in, r->stream0_nbytes, p, out);
      CALLGRIND_TOGGLE_COLLECT;
      if (!d || out != bytes) {
        std::fprintf(stderr, "decode failed\n");
        return 1;
      }
    }
    total += in32.size();
  }
  std::printf("words %zu\n", total);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: ebpc_count encode|decode W FILE... [--codec NAME] [--block B]\n");
    return 2;
  }
  const bool decode = std::strcmp(argv[1], "decode") == 0;
  const auto w = static_cast<unsigned>(std::atoi(argv[2]));
  std::vector<std::vector<std::uint32_t>> inputs;
  const char* codec = nullptr;
  unsigned block = 8;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--codec") == 0 && i + 1 < argc) {
      codec = argv[++i];
      continue;
    }
    if (std::strcmp(argv[i], "--block") == 0 && i + 1 < argc) {
      block = static_cast<unsigned>(std::atoi(argv[++i]));
      continue;
    }
    auto a = ebpc::read_npy(argv[i]);
    if (!a) {
      std::fprintf(stderr, "%s: cannot read\n", argv[i]);
      return 1;
    }
    auto words = ebpc::npy_to_words(*a, w);
    if (!words) {
      std::fprintf(stderr, "%s: not %u-bit words\n", argv[i], w);
      return 1;
    }
    inputs.push_back(std::move(*words));
  }
  if (codec != nullptr) {
    return run_codec(decode, inputs, codec, w);
  }
  const ebpc::EbpcParams params{w, block, 16};
  if (w <= 8) {
    return run<std::uint8_t>(decode, inputs, params);
  }
  if (w <= 16) {
    return run<std::uint16_t>(decode, inputs, params);
  }
  return run<std::uint32_t>(decode, inputs, params);
}
