// Decode anything: arbitrary ZNZ and BPC streams for any parameters must give a result
// or an error, never a crash, a hang or an out-of-bounds access.
#include <vector>

#include "fuzz_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ebpc::fuzz::Reader r{data, size};
  const ebpc::EbpcParams p = ebpc::fuzz::params_from(r);
  const std::size_t n = r.u16() % (ebpc::fuzz::k_max_fuzz_nwords + 1);
  const std::size_t znz_nbytes = r.n == 0 ? 0 : r.u16() % (r.n + 1);
  // Exactly sized copies: ASan catches any read past either stream.
  const std::vector<std::uint8_t> znz(r.p, r.p + std::min(znz_nbytes, r.n));
  const std::vector<std::uint8_t> bpc(r.p + znz.size(), r.p + r.n);
  std::vector<std::uint32_t> out(n);
  auto res = ebpc::ebpc_decode(znz, bpc, p, std::span<std::uint32_t>(out));
  if (res) {
    // Whatever decoded must fit W bits and be re-encodable.
    auto again = ebpc::ebpc_encode_to_vectors(out, p);
    if (!again) {
      __builtin_trap();
    }
  }
  return 0;
}
