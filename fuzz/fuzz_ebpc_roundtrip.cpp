// Round trip + determinism + reference: any words encode, decode back exactly, encode the
// same way twice, and (for small inputs) match the reference coder bit for bit. The words
// are also coded from and decoded into uint8 / uint16 buffers when W allows (the storage
// the runtime-dispatched AVX2 paths take) and must give the same streams and words.
#include <algorithm>
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
  auto a = ebpc::encode_streams_to_vectors(words, p);
  auto b = ebpc::encode_streams_to_vectors(words, p);
  if (!a || !b || a->znz != b->znz || a->bpc != b->bpc) {
    __builtin_trap();
  }
  std::vector<std::uint32_t> back(words.size());
  auto d = ebpc::decode_streams(a->znz, a->bpc, p, std::span<std::uint32_t>(back));
  if (!d || back != words) {
    __builtin_trap();
  }
  const auto narrow = [&](auto tag) {
    using Word = decltype(tag);
    const std::vector<Word> nw(words.begin(), words.end());
    std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(nw.size(), p));
    std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(nw.size(), p));
    auto s = ebpc::encode_streams(std::span<const Word>(nw), p, znz, bpc);
    if (!s || s->znz_nbits != a->sizes.znz_nbits || s->bpc_nbits != a->sizes.bpc_nbits ||
        !std::equal(a->znz.begin(), a->znz.end(), znz.begin()) || !std::equal(a->bpc.begin(), a->bpc.end(), bpc.begin())) {
      __builtin_trap();
    }
    std::vector<Word> nback(nw.size());
    auto nd = ebpc::decode_streams(a->znz, a->bpc, p, std::span<Word>(nback));
    if (!nd || nback != nw) {
      __builtin_trap();
    }
  };
  if (p.word_nbits <= 8) {
    narrow(std::uint8_t{});
  }
  if (p.word_nbits <= 16) {
    narrow(std::uint16_t{});
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
