// Instruction-count driver for callgrind (repeatable, unlike wall-clock time on a shared
// machine): encodes, or encodes then decodes, every .npy given, with only the codec calls
// collected. Usage:
//   valgrind --tool=callgrind --collect-atstart=no ebpc_count encode|decode W FILE...
// and divide "Collected" by the word count it prints.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <ebpc/ebpc.hpp>

#include "format/npy.hpp"

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
    auto s = ebpc::ebpc_encode(std::span<const Word>(words), params, znz, bpc);
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
      auto d = ebpc::ebpc_decode(z, b, params, std::span<Word>(out));
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: ebpc_count encode|decode W FILE...\n");
    return 2;
  }
  const bool decode = std::strcmp(argv[1], "decode") == 0;
  const auto w = static_cast<unsigned>(std::atoi(argv[2]));
  std::vector<std::vector<std::uint32_t>> inputs;
  for (int i = 3; i < argc; ++i) {
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
  const ebpc::EbpcParams params{w, 8, 16};
  if (w <= 8) {
    return run<std::uint8_t>(decode, inputs, params);
  }
  if (w <= 16) {
    return run<std::uint16_t>(decode, inputs, params);
  }
  return run<std::uint32_t>(decode, inputs, params);
}
