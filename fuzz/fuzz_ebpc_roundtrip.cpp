// Round trip + determinism + reference: any words encode, decode back exactly, encode the
// same way twice, and (for small inputs) match the reference coder bit for bit.
#include <vector>

#include "codec/reference/ebpc_reference.hpp"
#include "fuzz_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ebpc::fuzz::Reader r{data, size};
  const ebpc::EbpcParams p = ebpc::fuzz::params_from(r);
  const unsigned elem = ebpc::fuzz::elem_nbytes_for(p.word_nbits);
  const std::uint32_t mask = p.word_nbits == 32 ? 0xffffffffu : (1u << p.word_nbits) - 1;
  std::vector<std::uint32_t> words(std::min(r.n / elem, ebpc::fuzz::k_max_fuzz_nwords));
  for (auto& w : words) {
    std::uint32_t v = 0;
    std::memcpy(&v, r.p, elem);
    r.p += elem;
    w = v & mask;
  }
  auto a = ebpc::ebpc_encode_to_vectors(words, p);
  auto b = ebpc::ebpc_encode_to_vectors(words, p);
  if (!a || !b || a->znz != b->znz || a->bpc != b->bpc) {
    __builtin_trap();
  }
  std::vector<std::uint32_t> back(words.size());
  auto d = ebpc::ebpc_decode(a->znz, a->bpc, p, std::span<std::uint32_t>(back));
  if (!d || back != words) {
    __builtin_trap();
  }
  if (words.size() <= 512) {
    const std::vector<std::uint64_t> values(words.begin(), words.end());
    const auto ref = ebpc::reference::encode(values, p.word_nbits, p.block_nwords, p.max_zero_run_nwords);
    if (ebpc::reference::pack_padded(ref.znz_bits, p.word_nbits) != a->znz ||
        ebpc::reference::pack_padded(ref.bpc_bits, p.word_nbits) != a->bpc) {
      __builtin_trap();
    }
  }
  return 0;
}
