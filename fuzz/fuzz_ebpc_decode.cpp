// Decode anything: arbitrary ZNZ and BPC streams for any parameters must give a result
// or an error, never a crash, a hang or an out-of-bounds access. The runtime-dispatched
// decoder (AVX2 where the CPU has it) must agree with the baseline decoder exactly: the
// same error, or the same words and consumed bits, into a uint32, uint16 or uint8 buffer
// (one word type per input, chosen by its first byte: one decode pair per execution keeps
// the target above 10k executions per second under ASan + UBSan).
#include <algorithm>
#include <vector>

#include "codec/ebpc_decode_avx2.hpp"
#include "fuzz_params.hpp"

namespace {

template <class Word>
void decode_both(const std::vector<std::uint8_t>& znz, const std::vector<std::uint8_t>& bpc, const ebpc::EbpcParams& p,
                 std::size_t n, const std::vector<std::uint32_t>* expect) {
  std::vector<Word> a(n, Word{0x5a});
  std::vector<Word> b(n, Word{0xa5});
  auto ra = ebpc::ebpc_decode(znz, bpc, p, std::span<Word>(a));
  auto rb = ebpc::detail::ebpc_decode_baseline(znz, bpc, p, std::span<Word>(b));
  if (ra.has_value() != rb.has_value()) {
    __builtin_trap();
  }
  if (!ra) {
    if (ra.error() != rb.error()) {
      __builtin_trap();
    }
    return;
  }
  if (ra->znz_nbits != rb->znz_nbits || ra->bpc_nbits != rb->bpc_nbits || a != b) {
    __builtin_trap();
  }
  if (expect != nullptr && !std::equal(a.begin(), a.end(), expect->begin())) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ebpc::fuzz::Reader r{data, size};
  const unsigned type = r.byte() % 3u;
  const ebpc::EbpcParams p = ebpc::fuzz::params_from(r);
  const std::size_t n = r.u16() % (ebpc::fuzz::k_max_fuzz_nwords + 1);
  const std::size_t znz_nbytes = r.n == 0 ? 0 : r.u16() % (r.n + 1);
  // Exactly sized copies: ASan catches any read past either stream.
  const std::vector<std::uint8_t> znz(r.p, r.p + std::min(znz_nbytes, r.n));
  const std::vector<std::uint8_t> bpc(r.p + znz.size(), r.p + r.n);
  if (type == 2 && p.word_nbits <= 8) {
    decode_both<std::uint8_t>(znz, bpc, p, n, nullptr);
  } else if (type >= 1 && p.word_nbits <= 16) {
    decode_both<std::uint16_t>(znz, bpc, p, n, nullptr);
  } else {
    std::vector<std::uint32_t> out(n);
    auto res = ebpc::ebpc_decode(znz, bpc, p, std::span<std::uint32_t>(out));
    if (res) {
      // Whatever decoded must fit W bits and be re-encodable.
      auto again = ebpc::ebpc_encode_to_vectors(out, p);
      if (!again) {
        __builtin_trap();
      }
    }
    decode_both<std::uint32_t>(znz, bpc, p, n, res ? &out : nullptr);
  }
  return 0;
}
