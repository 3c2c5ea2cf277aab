// One target per baseline decoder (EBPC_FUZZ_CODEC = zvc, zrle or bpc): arbitrary
// streams give a result or an error, never a crash or a hang.
#include <vector>

#include "fuzz_params.hpp"

#ifndef EBPC_FUZZ_CODEC
#error "define EBPC_FUZZ_CODEC"
#endif
#define EBPC_STR2(x) #x
#define EBPC_STR(x) EBPC_STR2(x)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ebpc::Codec* codec = ebpc::find_codec(EBPC_STR(EBPC_FUZZ_CODEC));
  ebpc::fuzz::Reader r{data, size};
  const ebpc::EbpcParams ep = ebpc::fuzz::params_from(r);
  ebpc::CodecParams p;
  p.id = codec->id;
  p.word_nbits = ep.word_nbits;
  p.block_nwords = ep.block_nwords;
  p.elem_nbytes = ebpc::fuzz::elem_nbytes_for(ep.word_nbits);
  const std::size_t n = r.u16() % (ebpc::fuzz::k_max_fuzz_nwords + 1);
  const std::vector<std::uint8_t> in(r.p, r.p + r.n);
  std::vector<std::uint8_t> out(n * p.elem_nbytes);
  auto res = codec->decode(in, in.size(), p, out);
  if (res) {
    // Whatever a decoder accepts must be words of W bits that encode again. (Decoders
    // accept non-canonical streams: padding bits, split zero runs, BPC padding words;
    // see docs/format.md "What the decoders accept".)
    std::vector<std::uint8_t> again(codec->bound_nbytes(n, p));
    if (!codec->encode(out, p, again)) {
      __builtin_trap();
    }
  }
  return 0;
}
