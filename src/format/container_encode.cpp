// The .ebpc container's encoding side: chunks through the full codec table.
#include <ebpc/container.hpp>

#include <ebpc/parallel.hpp>

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "common/check.hpp"
#include "common/endian.hpp"

namespace ebpc {

namespace {

}  // namespace

CodecParams chunk_codec_params(const ContainerHeader& h, std::uint64_t chunk_index) noexcept {
  CodecParams p = h.codec;
  if (p.id == CodecId::ebpcx) {
    p.word_format = word_format_of(h.dtype);
    set_array_geometry(p, h.shape, h.fortran_order);
    p.first_word_index = chunk_index * h.chunk_nwords;
  }
  return p;
}

namespace {

template <class Buffer>
Result<CodedSize> encode_chunk_impl(std::span<const std::uint8_t> elems, const ContainerHeader& h,
                                    std::uint64_t chunk_index, Buffer& scratch, Buffer& out) {
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
  auto r = c->encode(words, chunk_codec_params(h, chunk_index),
                     std::span<std::uint8_t>(out).subspan(start + k_chunk_header_nbytes));
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

}  // namespace

Result<CodedSize> encode_chunk(std::span<const std::uint8_t> elems, const ContainerHeader& h, std::uint64_t chunk_index,
                               std::vector<std::uint8_t>& scratch, std::vector<std::uint8_t>& out) {
  return encode_chunk_impl(elems, h, chunk_index, scratch, out);
}

Result<CodedSize> encode_chunk(std::span<const std::uint8_t> elems, const ContainerHeader& h, std::uint64_t chunk_index,
                               ByteBuffer& scratch, ByteBuffer& out) {
  return encode_chunk_impl(elems, h, chunk_index, scratch, out);
}

namespace {

// Worst case of all chunks (headers and payloads), the container header excluded.
std::size_t chunks_bound_nbytes(const ContainerHeader& h) {
  std::size_t bound = 0;
  for (std::uint64_t i = 0; i < h.nchunks(); ++i) {
    bound += chunk_bound_nbytes(h, h.chunk_nwords_at(i));
  }
  return bound;
}

}  // namespace

std::size_t container_bound_nbytes(const ContainerHeader& h) {
  return serialize_header(h).size() + chunks_bound_nbytes(h) + h.trailer_nbytes();
}

Outcome<std::size_t> compress_container_into(std::span<const std::uint8_t> elems, const ContainerHeader& h,
                                             std::span<std::uint8_t> out, unsigned threads) {
  if (auto v = validate(h); !v) {
    return tl::unexpected(failure(v.error(), "invalid container header"));
  }
  const std::size_t elem = h.codec.elem_nbytes;
  if (elems.size() / elem != h.nwords || elems.size() % elem != 0) {
    return tl::unexpected(Failure{Error::bad_parameter, "buffer size does not match the shape and dtype"});
  }
  const std::uint64_t nchunks = h.nchunks();
  // Chunks are coded in waves of one per thread into buffers reused from wave to wave,
  // then appended in order: the bytes are compress_container's for any thread count.
  try {
    const std::vector<std::uint8_t> head = serialize_header(h);
    if (out.size() < head.size() + chunks_bound_nbytes(h) + h.trailer_nbytes()) {
      return tl::unexpected(failure(Error::output_too_small, "compress_container_into"));
    }
    std::memcpy(out.data(), head.data(), head.size());
    std::size_t pos = head.size();
    std::uint64_t chain = trailer_start(h);
    const unsigned nthreads = static_cast<unsigned>(
        std::min<std::uint64_t>(threads == 0 ? default_thread_count() : threads, std::max<std::uint64_t>(nchunks, 1)));
    std::vector<ByteBuffer> outs(nthreads);
    std::vector<ByteBuffer> scratches(nthreads);
    std::vector<Error> errors(nthreads, Error{});
    for (std::uint64_t start = 0; start < nchunks; start += nthreads) {
      const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(nthreads, nchunks - start));
      parallel_for(m, static_cast<unsigned>(m), [&](std::size_t j) {
        const std::uint64_t i = start + j;
        const auto off = static_cast<std::size_t>(i * h.chunk_nwords * elem);
        const auto len = static_cast<std::size_t>(h.chunk_nwords_at(i) * elem);
        outs[j].clear();
        try {
          auto r = encode_chunk(elems.subspan(off, len), h, i, scratches[j], outs[j]);
          errors[j] = r ? Error{} : r.error();
        } catch (const std::bad_alloc&) {
          errors[j] = Error::limit_exceeded;
        }
      });
      for (std::size_t j = 0; j < m; ++j) {
        const std::uint64_t i = start + j;
        if (errors[j] == Error::bad_parameter) {
          const auto off = static_cast<std::size_t>(i * h.chunk_nwords * elem);
          const auto len = static_cast<std::size_t>(h.chunk_nwords_at(i) * elem);
          return tl::unexpected(unfit_value_failure(elems.subspan(off, len), h.dtype, h.codec.word_nbits,
                                                    i * h.chunk_nwords));
        }
        if (errors[j] != Error{}) {
          return tl::unexpected(failure(errors[j], "chunk " + std::to_string(i)));
        }
        std::memcpy(out.data() + pos, outs[j].data(), outs[j].size());
        chain = trailer_step(chain, load_le<std::uint64_t>(outs[j].data() + 8));
        pos += outs[j].size();
      }
    }
    if (h.trailer_nbytes() != 0) {
      store_le<std::uint64_t>(out.data() + pos, chain);
      pos += h.trailer_nbytes();
    }
    return pos;
  } catch (const std::bad_alloc&) {
    return tl::unexpected(failure(Error::limit_exceeded, "out of memory"));
  }
}

Result<std::vector<std::uint8_t>> compress_container(std::span<const std::uint8_t> elems, const ContainerHeader& h) {
  EBPC_TRY(validate(h));
  EBPC_CHECK(elems.size() == h.nwords * h.codec.elem_nbytes, bad_parameter);
  std::vector<std::uint8_t> out(container_bound_nbytes(h));
  auto r = compress_container_into(elems, h, out, 1);
  if (!r) {
    return tl::unexpected(r.error().code);
  }
  out.resize(*r);
  return out;
}

Outcome<ContainerHeader> make_container_header(DType dtype, std::span<const std::uint64_t> shape, bool fortran_order,
                                               const ArrayOptions& o) {
  const DTypeInfo* info = dtype_info(dtype);
  if (info == nullptr) {
    return tl::unexpected(Failure{Error::bad_parameter, "unknown dtype"});
  }
  ContainerHeader h;
  bool lanes_given = false;
  if (!parse_codec_spec(o.codec, h.codec, &lanes_given)) {
    return tl::unexpected(
        Failure{Error::bad_parameter, "unknown codec '" + o.codec + "' (" + std::string(k_codec_list) + ")"});
  }
  if (o.level != 0) {
    h.codec.level = o.level;
  }
  h.codec.block_nwords = o.block_nwords;
  h.codec.max_zero_run_nwords = o.max_zero_run_nwords;
  h.chunk_nwords = o.chunk_nwords;
  if (o.lanes < 1 || o.lanes > k_max_lanes) {
    return tl::unexpected(Failure{Error::bad_parameter, "lanes " + std::to_string(o.lanes) + ": must be 1..32"});
  }
  // Lanes are EBPC's: "ebpc-L4" in the codec spec, else options.lanes.
  if (h.codec.id == CodecId::ebpc && !lanes_given) {
    h.codec.lanes = o.lanes;
  }
  h.dtype = dtype;
  if (shape.size() > k_max_ndim) {
    return tl::unexpected(Failure{Error::limit_exceeded, "arrays of more than 32 dimensions are not supported"});
  }
  h.shape.assign(shape.begin(), shape.end());
  h.fortran_order = fortran_order;
  h.codec.elem_nbytes = info->nbytes;
  h.codec.word_nbits = o.word_nbits != 0 ? o.word_nbits : info->nbytes * 8;
  std::uint64_t product = 1;
  for (auto d : shape) {
    if (d != 0 && product > UINT64_MAX / 8 / d) {
      return tl::unexpected(Failure{Error::limit_exceeded, "array too large"});
    }
    product *= d;
  }
  h.nwords = product;
  if (auto v = validate(h); !v) {
    if (auto c = check_word_width(h.dtype, h.codec.word_nbits); !c) {
      return tl::unexpected(c.error());
    }
    return tl::unexpected(failure(v.error(), "invalid parameters (width 2..32, block 2/4/8/16/32, max zero run a "
                                             "power of two 2..256, level, chunk size)"));
  }
  return h;
}

Failure unfit_value_failure(std::span<const std::uint8_t> elems, DType dtype, unsigned word_nbits,
                            std::uint64_t base_index) {
  std::vector<std::uint8_t> copy(elems.begin(), elems.end());
  auto r = elements_to_words_or_failure(copy, dtype, word_nbits, base_index);
  return r ? failure(Error::bad_parameter) : r.error();
}

}  // namespace ebpc
