// The .ebpc container's encoding side: chunks through the full codec table.
#include <ebpc/container.hpp>

#include <xxhash.h>

#include "common/check.hpp"
#include "common/endian.hpp"

namespace ebpc {

Result<CodedSize> encode_chunk(std::span<const std::uint8_t> elems, const ContainerHeader& h, std::uint64_t chunk_index,
                               std::vector<std::uint8_t>& scratch, std::vector<std::uint8_t>& out) {
  const Codec* c = find_codec(h.codec.id);
  EBPC_CHECK(c != nullptr, bad_parameter);
  EBPC_CHECK(elems.size() % h.codec.elem_nbytes == 0, bad_parameter);
  const std::size_t nwords = elems.size() / h.codec.elem_nbytes;
  std::span<const std::uint8_t> words = elems;
  if (c->is_word_codec && h.codec.word_nbits < h.codec.elem_nbytes * 8) {
    scratch.assign(elems.begin(), elems.end());
    EBPC_TRY(elements_to_words(scratch, h.dtype, h.codec.word_nbits));
    words = scratch;
  }
  const std::size_t start = out.size();
  out.resize(start + k_chunk_header_nbytes + c->bound_nbytes(nwords, h.codec));
  auto r = c->encode(words, h.codec, std::span<std::uint8_t>(out).subspan(start + k_chunk_header_nbytes));
  if (!r) {
    out.resize(start);
    return tl::unexpected(r.error());
  }
  EBPC_CHECK(r->nbytes <= UINT32_MAX, limit_exceeded);
  store_le<std::uint32_t>(out.data() + start, static_cast<std::uint32_t>(r->nbytes));
  store_le<std::uint32_t>(out.data() + start + 4, static_cast<std::uint32_t>(r->stream0_nbytes));
  store_le<std::uint64_t>(out.data() + start + 8, XXH64(elems.data(), elems.size(), chunk_checksum_seed(h, chunk_index)));
  out.resize(start + k_chunk_header_nbytes + r->nbytes);
  return *r;
}

Result<std::vector<std::uint8_t>> compress_container(std::span<const std::uint8_t> elems, const ContainerHeader& h) {
  EBPC_TRY(validate(h));
  EBPC_CHECK(elems.size() == h.nwords * h.codec.elem_nbytes, bad_parameter);
  std::vector<std::uint8_t> out = serialize_header(h);
  std::vector<std::uint8_t> scratch;
  const std::uint64_t nchunks = h.nchunks();
  for (std::uint64_t i = 0; i < nchunks; ++i) {
    const std::size_t off = static_cast<std::size_t>(i * h.chunk_nwords * h.codec.elem_nbytes);
    const std::size_t len = static_cast<std::size_t>(h.chunk_nwords_at(i) * h.codec.elem_nbytes);
    EBPC_TRY(encode_chunk(elems.subspan(off, len), h, i, scratch, out));
  }
  return out;
}

}  // namespace ebpc
