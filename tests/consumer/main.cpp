// Encodes and decodes a few words through the installed library.
#include <cstdio>
#include <vector>

#include <ebpc/ebpc.hpp>

int main() {
  const std::vector<std::uint32_t> words = {5, 0, 0, 7, 1, 2, 3, 0, 9};
  const ebpc::EbpcParams params{8, 8, 16};
  auto s = ebpc::encode_streams_to_vectors(words, params);
  if (!s) {
    return 1;
  }
  std::vector<std::uint32_t> back(words.size());
  auto r = ebpc::decode_streams(s->znz, s->bpc, params, std::span<std::uint32_t>(back));
  if (!r || back != words) {
    return 1;
  }
  std::printf("consumer: %llu ZNZ bits, %llu BPC bits\n", static_cast<unsigned long long>(s->sizes.znz_nbits),
              static_cast<unsigned long long>(s->sizes.bpc_nbits));
  return 0;
}
