// Decode anything: arbitrary ZNZ and BPC streams for any parameters must give a result
// or an error, never a crash, a hang or an out-of-bounds access. The runtime-dispatched
// decoder (AVX2 where the CPU has it) must agree with the baseline decoder exactly: the
// same error, or the same words and consumed bits, into a uint32, uint16 or uint8 buffer
// (one word type per input, chosen by its first byte: one decode pair per execution, and
// the uint32 words re-encoded from the pair's own output, keep the target fast under ASan).
// Both are also held to the plain decoder (decode_generic) on success, words and consumed
// bits: B = 8 and B = 16 with W <= 16 take the fast body in both, everything else generic.
// (Which of truncated and corrupt a damaged stream gets may differ from decode_generic's:
// tests/test_decode_fast.cpp says why.)
#include <algorithm>
#include <vector>

#include "codec/ebpc_decode_fast.hpp"
#include "fuzz_params.hpp"

namespace {

// Returns the dispatched decoder's result; its words are left in a.
template <class Word>
ebpc::Result<ebpc::EbpcConsumed> decode_both(const std::vector<std::uint8_t>& znz, const std::vector<std::uint8_t>& bpc,
                                             const ebpc::EbpcParams& p, std::vector<Word>& a) {
  std::vector<Word> b(a.size(), Word{0xa5});
  auto ra = ebpc::decode_streams(znz, bpc, p, std::span<Word>(a));
  auto rb = ebpc::detail::ebpc_decode_baseline(znz, bpc, p, std::span<Word>(b));
  if (ra.has_value() != rb.has_value()) {
    __builtin_trap();
  }
  if (!ra) {
    if (ra.error() != rb.error()) {
      __builtin_trap();
    }
    return ra;
  }
  if (ra->znz_nbits != rb->znz_nbits || ra->bpc_nbits != rb->bpc_nbits || a != b) {
    __builtin_trap();
  }
  return ra;
}

template <class Word>
ebpc::Result<ebpc::EbpcConsumed> decode_checked(const std::vector<std::uint8_t>& znz,
                                                const std::vector<std::uint8_t>& bpc, const ebpc::EbpcParams& p,
                                                std::vector<Word>& a) {
  const auto ra = decode_both(znz, bpc, p, a);
  std::vector<Word> g(a.size(), Word{0x3c});
  const auto rg = ebpc::detail::ebpc_decode_generic(znz, bpc, p, std::span<Word>(g));
  if (ra.has_value() != rg.has_value()) {
    __builtin_trap();
  }
  if (ra && (ra->znz_nbits != rg->znz_nbits || ra->bpc_nbits != rg->bpc_nbits || a != g)) {
    __builtin_trap();
  }
  if (!ra && (ra.error() == ebpc::Error::bad_parameter) != (rg.error() == ebpc::Error::bad_parameter)) {
    __builtin_trap();
  }
  return ra;
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
    std::vector<std::uint8_t> out(n, 0x5a);
    (void)decode_checked(znz, bpc, p, out);
  } else if (type >= 1 && p.word_nbits <= 16) {
    std::vector<std::uint16_t> out(n, 0x5a);
    (void)decode_checked(znz, bpc, p, out);
  } else {
    std::vector<std::uint32_t> out(n, 0x5a);
    if (decode_checked(znz, bpc, p, out)) {
      // Whatever decoded must fit W bits and be re-encodable.
      auto again = ebpc::encode_streams_to_vectors(out, p);
      if (!again) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
