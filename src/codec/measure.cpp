// ebpc::measure (include/ebpc/measure.hpp).
#include <ebpc/measure.hpp>

#include <string>

namespace ebpc {

Outcome<Measurement> measure(std::span<const std::uint8_t> elems, DType dtype, unsigned word_nbits,
                                          std::span<const CodecParams> codecs, std::vector<std::uint8_t>* scratch) {
  const DTypeInfo* info = dtype_info(dtype);
  if (info == nullptr || elems.size() % info->nbytes != 0) {
    return tl::unexpected(failure(Error::bad_parameter, "measure: bad dtype or element bytes"));
  }
  const unsigned w = word_nbits != 0 ? word_nbits : info->nbytes * 8;
  const std::string wtext = std::to_string(w);
  if (info->is_float && w != info->nbytes * 8) {
    return tl::unexpected(Failure{Error::bad_parameter, std::string(info->name) + " data is coded as " +
                                                            std::to_string(info->nbytes * 8) + "-bit patterns"});
  }
  if (w > info->nbytes * 8 || w < k_min_word_nbits) {
    return tl::unexpected(Failure{Error::bad_parameter, "width " + wtext + " is wider than " + std::string(info->name)});
  }
  std::vector<std::uint8_t> words(elems.begin(), elems.end());
  std::uint64_t bad = 0;
  if (!elements_to_words(words, dtype, w, &bad)) {
    return tl::unexpected(
        Failure{Error::bad_parameter, "value at flat index " + std::to_string(bad) + " does not fit in " + wtext + " bits"});
  }
  Measurement base;
  base.word_nbits = w;
  base.values = elems.size() / info->nbytes;
  base.uncompressed_nbits = base.values * w;
  for (std::size_t i = 0; i < words.size(); i += info->nbytes) {
    bool zero = true;
    for (unsigned b = 0; b < info->nbytes; ++b) {
      zero = zero && words[i + b] == 0;
    }
    base.zero_values += zero ? 1 : 0;
  }
  std::vector<std::uint8_t> local;
  std::vector<std::uint8_t>& buf = scratch != nullptr ? *scratch : local;
  base.codecs.reserve(codecs.size());
  for (CodecParams p : codecs) {
    p.word_nbits = w;
    p.elem_nbytes = info->nbytes;
    if (!validate(p)) {
      return tl::unexpected(Failure{Error::bad_parameter, "invalid parameters for " + codec_spec(p) + " (width " + wtext +
                                                              ", block " + std::to_string(p.block_nwords) +
                                                              ", max zero run " + std::to_string(p.max_zero_run_nwords) + ")"});
    }
    const Codec* codec = find_codec(p.id);
    buf.resize(codec->bound_nbytes(static_cast<std::size_t>(base.values), p));
    auto r = codec->encode(codec->is_word_codec ? std::span<const std::uint8_t>(words) : elems, p, buf);
    if (!r) {
      return tl::unexpected(failure(r.error(), codec_spec(p) + " failed"));
    }
    base.codecs.push_back(CodecMeasurement{p, *r});
  }
  return base;
}

}  // namespace ebpc
