// The ebpcx decoder (src/codec/ebpcx_decode.cpp): arbitrary streams give words or an error,
// never a crash or a hang; what it accepts encodes again and decodes back to the same words.
// Input: W (2 + byte % 31), the word format (byte % 3; the float formats take W = 16), the
// word count (u16 % 4097), then the stream.
#include <vector>

#include "fuzz_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ebpc::Codec* codec = ebpc::find_codec(ebpc::CodecId::ebpcx);
  ebpc::fuzz::Reader r{data, size};
  ebpc::CodecParams p;
  p.id = ebpc::CodecId::ebpcx;
  p.word_nbits = 2 + r.byte() % 31u;
  p.word_format = static_cast<ebpc::WordFormat>(r.byte() % 3u);
  if (p.word_format != ebpc::WordFormat::fixed) {
    p.word_nbits = 16;
  }
  p.elem_nbytes = ebpc::fuzz::elem_nbytes_for(p.word_nbits);
  const std::size_t n = r.u16() % (ebpc::fuzz::k_max_fuzz_nwords + 1);
  const std::vector<std::uint8_t> in(r.p, r.p + r.n);
  std::vector<std::uint8_t> out(n * p.elem_nbytes);
  if (codec->decode(in, in.size(), p, out)) {
    std::vector<std::uint8_t> again(codec->bound_nbytes(n, p));
    auto e = codec->encode(out, p, again);
    if (!e) {
      __builtin_trap();  // a decoded word above W bits
    }
    std::vector<std::uint8_t> back(out.size());
    if (!codec->decode(std::span<const std::uint8_t>(again).first(e->nbytes), e->stream0_nbytes, p, back) ||
        back != out) {
      __builtin_trap();
    }
  }
  return 0;
}
