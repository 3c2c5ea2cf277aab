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
  if (auto c = check_word_width(dtype, w); !c) {
    return tl::unexpected(c.error());
  }
  // Words at the dtype's full width are the element bytes themselves (bit patterns): no
  // copy. Narrower words are converted (and checked) in a copy.
  std::vector<std::uint8_t> converted;
  std::span<const std::uint8_t> words = elems;
  if (w != info->nbytes * 8) {
    converted.assign(elems.begin(), elems.end());
    if (auto r = elements_to_words_or_failure(converted, dtype, w); !r) {
      return tl::unexpected(r.error());
    }
    words = converted;
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
  // One output buffer for every codec, grown to the largest bound and never zero-filled
  // when it is ours: only the pages an encoder writes cost memory.
  ByteBuffer local;
  auto room = [&](std::size_t nbytes) -> std::span<std::uint8_t> {
    if (scratch != nullptr) {
      if (scratch->size() < nbytes) {
        scratch->resize(nbytes);
      }
      return {scratch->data(), nbytes};
    }
    if (local.size() < nbytes) {
      local.resize(nbytes);
    }
    return {local.data(), nbytes};
  };
  base.codecs.reserve(codecs.size());
  for (CodecParams p : codecs) {
    p.word_nbits = w;
    p.elem_nbytes = info->nbytes;
    p.word_format = word_format_of(dtype);
    if (!validate(p)) {
      return tl::unexpected(Failure{Error::bad_parameter, "invalid parameters for " + codec_spec(p) + " (width " + std::to_string(w) +
                                                              ", block " + std::to_string(p.block_nwords) +
                                                              ", max zero run " + std::to_string(p.max_zero_run_nwords) + ")"});
    }
    const Codec* codec = find_codec(p.id);
    auto r = codec->encode(codec->is_word_codec ? words : elems, p,
                           room(codec->bound_nbytes(static_cast<std::size_t>(base.values), p)));
    if (!r) {
      return tl::unexpected(failure(r.error(), codec_spec(p) + " failed"));
    }
    base.codecs.push_back(CodecMeasurement{p, *r});
  }
  return base;
}

void MeasureRow::add(const MeasureRow& r) noexcept {
  values += r.values;
  zero_values += r.zero_values;
  uncompressed_nbits += r.uncompressed_nbits;
  compressed_nbits += r.compressed_nbits;
  padded_nbits += r.padded_nbits;
  znz_nbits += r.znz_nbits;
  bpc_nbits += r.bpc_nbits;
  has_streams = has_streams || r.has_streams;
}

std::vector<MeasureRow> measure_rows(const Measurement& m) {
  std::vector<MeasureRow> rows;
  rows.reserve(m.codecs.size());
  for (const CodecMeasurement& c : m.codecs) {
    MeasureRow r;
    r.codec = codec_spec(c.params);
    r.values = m.values;
    r.zero_values = m.zero_values;
    r.uncompressed_nbits = m.uncompressed_nbits;
    r.compressed_nbits = c.size.exact_nbits;
    r.padded_nbits = c.size.padded_nbits;
    r.has_streams = c.params.id == CodecId::ebpc;
    r.znz_nbits = c.size.znz_nbits;
    r.bpc_nbits = c.size.bpc_nbits;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace ebpc
