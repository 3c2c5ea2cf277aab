// The .ebpc container (docs/format.md): headers and the chunk decoder, in the
// decoder-only library (the chunk encoder is in container_encode.cpp). Every field read
// from a file is checked before it sizes anything: chunk sizes against
// k_max_chunk_nbytes, payload sizes against the codec's bound, shape products against
// overflow.
#include <ebpc/container.hpp>
#include <ebpc/parallel.hpp>

#include <xxhash.h>

#include <array>
#include <cstring>

#include "codec/baselines.hpp"
#include "common/check.hpp"
#include "common/endian.hpp"

namespace ebpc {

namespace {

constexpr std::uint8_t k_magic[4] = {'E', 'B', 'P', 'C'};
constexpr std::size_t k_fixed_header_nbytes = 32;
constexpr std::uint8_t k_flag_fortran = 1;

}  // namespace

Result<void> validate(const ContainerHeader& h) noexcept {
  const DTypeInfo* info = dtype_info(h.dtype);
  EBPC_CHECK(info != nullptr, bad_parameter);
  EBPC_CHECK(h.codec.elem_nbytes == info->nbytes, bad_parameter);
  EBPC_CHECK(h.version >= k_min_container_version && h.version <= k_container_version, bad_parameter);
  EBPC_TRY(validate(h.codec));
  EBPC_CHECK(!info->is_float || h.codec.word_nbits == info->nbytes * 8, bad_parameter);
  EBPC_CHECK(h.shape.size() <= k_max_ndim, limit_exceeded);
  std::uint64_t product = 1;
  for (const std::uint64_t d : h.shape) {
    EBPC_CHECK(d == 0 || product <= UINT64_MAX / d, limit_exceeded);
    product *= d;
  }
  EBPC_CHECK(product == h.nwords, corrupt);
  EBPC_CHECK(h.nwords <= UINT64_MAX / 8, limit_exceeded);
  EBPC_CHECK(h.chunk_nwords >= 1, bad_parameter);
  // Lanes came with version 3; other codecs have one.
  EBPC_CHECK(h.codec.lanes == 1 || (h.version >= 3 && h.codec.id == CodecId::ebpc), bad_parameter);
  EBPC_CHECK(std::uint64_t{h.chunk_nwords} * info->nbytes <= k_max_chunk_nbytes, limit_exceeded);
  return {};
}

namespace {

constexpr std::size_t k_max_header_nbytes = k_fixed_header_nbytes + 8 * k_max_ndim + 4;

// Writes the header into p (header_nbytes(h) bytes, at most k_max_header_nbytes).
std::size_t write_header(const ContainerHeader& h, std::uint8_t* p) noexcept {
  const std::size_t total = k_fixed_header_nbytes + 8 * h.shape.size() + 4;
  std::memset(p, 0, total);
  std::memcpy(p, k_magic, 4);
  p[4] = h.version;
  p[5] = static_cast<std::uint8_t>(h.codec.id);
  p[6] = static_cast<std::uint8_t>(h.dtype);
  p[7] = static_cast<std::uint8_t>(h.codec.word_nbits);
  p[8] = static_cast<std::uint8_t>(h.codec.block_nwords);
  store_le<std::uint16_t>(p + 9, static_cast<std::uint16_t>(h.codec.max_zero_run_nwords));
  p[11] = static_cast<std::uint8_t>(static_cast<std::int8_t>(h.codec.level));
  p[12] = h.fortran_order ? k_flag_fortran : 0;
  p[13] = static_cast<std::uint8_t>(h.shape.size());
  p[14] = h.version >= 3 ? static_cast<std::uint8_t>(h.codec.lanes) : 0;
  store_le<std::uint32_t>(p + 16, h.chunk_nwords);
  store_le<std::uint64_t>(p + 24, h.nwords);
  for (std::size_t i = 0; i < h.shape.size(); ++i) {
    store_le<std::uint64_t>(p + k_fixed_header_nbytes + 8 * i, h.shape[i]);
  }
  store_le<std::uint32_t>(p + total - 4, XXH32(p, total - 4, 0));
  return total;
}

}  // namespace

std::vector<std::uint8_t> serialize_header(const ContainerHeader& h) {
  std::vector<std::uint8_t> out(k_fixed_header_nbytes + 8 * h.shape.size() + 4);
  write_header(h, out.data());
  return out;
}

std::uint64_t chunk_checksum_seed(const ContainerHeader& h, std::uint64_t chunk_index) noexcept {
  if (h.version < 2 || h.shape.size() > k_max_ndim) {
    return 0;
  }
  std::uint8_t buf[k_max_header_nbytes];
  const std::size_t n = write_header(h, buf);
  return (std::uint64_t{load_le<std::uint32_t>(buf + n - 4)} << 32) ^ (chunk_index + 1);
}

std::uint64_t trailer_start(const ContainerHeader& h) noexcept {
  // The header's XXH32 (as in the chunk seeds) with a constant that no chunk seed has.
  return chunk_checksum_seed(h, 0) ^ 0x5452'4c52'0000'0001ull;  // "TRLR"
}

std::uint64_t trailer_step(std::uint64_t chain, std::uint64_t chunk_checksum) noexcept {
  std::uint8_t buf[16];
  store_le<std::uint64_t>(buf, chain);
  store_le<std::uint64_t>(buf + 8, chunk_checksum);
  return XXH64(buf, sizeof buf, 0);
}

Result<ContainerHeader> parse_header(std::span<const std::uint8_t> in, std::size_t* header_nbytes) noexcept {
  EBPC_CHECK(in.size() >= 5, truncated);
  EBPC_CHECK(std::memcmp(in.data(), k_magic, 4) == 0, corrupt);
  EBPC_CHECK(in[4] >= k_min_container_version && in[4] <= k_container_version, unsupported_version);
  EBPC_CHECK(in.size() >= k_fixed_header_nbytes, truncated);
  const std::uint8_t* p = in.data();
  const unsigned ndim = p[13];
  EBPC_CHECK(ndim <= k_max_ndim, corrupt);
  const std::size_t total = k_fixed_header_nbytes + 8 * ndim + 4;
  EBPC_CHECK(in.size() >= total, truncated);
  EBPC_CHECK(load_le<std::uint32_t>(p + total - 4) == XXH32(p, total - 4, 0), corrupt);
  EBPC_CHECK((p[12] & ~k_flag_fortran) == 0 && p[15] == 0 && load_le<std::uint32_t>(p + 20) == 0, corrupt);
  // Byte 14: the lane count L in version 3 (1..32), 0 before.
  EBPC_CHECK(p[4] >= 3 ? p[14] >= 1 && p[14] <= k_max_lanes : p[14] == 0, corrupt);

  ContainerHeader h;
  h.version = p[4];
  h.codec.id = static_cast<CodecId>(p[5]);
  EBPC_CHECK(detail::find_decoder(h.codec.id) != nullptr, corrupt);
  h.dtype = static_cast<DType>(p[6]);
  const DTypeInfo* info = dtype_info(h.dtype);
  EBPC_CHECK(info != nullptr, corrupt);
  h.codec.elem_nbytes = info->nbytes;
  h.codec.word_nbits = p[7];
  h.codec.block_nwords = p[8];
  h.codec.max_zero_run_nwords = load_le<std::uint16_t>(p + 9);
  h.codec.level = static_cast<std::int8_t>(p[11]);
  h.fortran_order = (p[12] & k_flag_fortran) != 0;
  h.codec.lanes = p[4] >= 3 ? p[14] : 1;
  h.chunk_nwords = load_le<std::uint32_t>(p + 16);
  h.nwords = load_le<std::uint64_t>(p + 24);
  h.shape.resize(ndim);
  for (unsigned i = 0; i < ndim; ++i) {
    h.shape[i] = load_le<std::uint64_t>(p + k_fixed_header_nbytes + 8 * i);
  }
  auto v = validate(h);
  if (!v) {
    // A header that passed its checksum but is inconsistent was written wrongly or forged.
    return tl::unexpected(v.error() == Error::limit_exceeded ? Error::limit_exceeded : Error::corrupt);
  }
  if (header_nbytes != nullptr) {
    *header_nbytes = total;
  }
  return h;
}

std::size_t chunk_bound_nbytes(const ContainerHeader& h, std::uint64_t chunk_nwords) noexcept {
  const detail::CodecDecodeEntry* c = detail::find_decoder(h.codec.id);
  return k_chunk_header_nbytes + c->payload_limit_nbytes(static_cast<std::size_t>(chunk_nwords), h.codec);
}


Result<ChunkHeader> parse_chunk_header(std::span<const std::uint8_t> in, const ContainerHeader& h,
                                       std::uint64_t chunk_nwords) noexcept {
  EBPC_CHECK(in.size() >= k_chunk_header_nbytes, truncated);
  ChunkHeader ch;
  ch.payload_nbytes = load_le<std::uint32_t>(in.data());
  ch.stream0_nbytes = load_le<std::uint32_t>(in.data() + 4);
  ch.checksum = load_le<std::uint64_t>(in.data() + 8);
  EBPC_CHECK(ch.payload_nbytes <= chunk_bound_nbytes(h, chunk_nwords) - k_chunk_header_nbytes, corrupt);
  EBPC_CHECK(ch.stream0_nbytes <= ch.payload_nbytes, corrupt);
  // Only EBPC splits its payload in two streams; every other codec writes one stream and
  // stream0_nbytes = payload_nbytes (container_encode.cpp), so anything else is corrupt.
  EBPC_CHECK(h.codec.id == CodecId::ebpc || ch.stream0_nbytes == ch.payload_nbytes, corrupt);
  return ch;
}

Result<void> decode_chunk(std::span<const std::uint8_t> payload, const ChunkHeader& ch, const ContainerHeader& h,
                          std::uint64_t chunk_index, std::span<std::uint8_t> elems_out) noexcept {
  const detail::CodecDecodeEntry* c = detail::find_decoder(h.codec.id);
  EBPC_CHECK(c != nullptr, bad_parameter);
  EBPC_CHECK(payload.size() == ch.payload_nbytes, truncated);
  EBPC_TRY(c->decode(payload, ch.stream0_nbytes, h.codec, elems_out));
  if (c->is_word_codec) {
    words_to_elements(elems_out, h.dtype, h.codec.word_nbits);
  }
  EBPC_CHECK(XXH64(elems_out.data(), elems_out.size(), chunk_checksum_seed(h, chunk_index)) == ch.checksum,
             checksum_mismatch);
  return {};
}


Outcome<void> check_trailer(const ContainerHeader& h, std::span<const std::uint8_t> trailer, std::uint64_t chain) {
  if (h.trailer_nbytes() == 0) {
    return {};
  }
  if (trailer.size() < h.trailer_nbytes()) {
    return tl::unexpected(Failure{Error::truncated, "truncated input (no trailer after the last chunk)"});
  }
  if (load_le<std::uint64_t>(trailer.data()) != chain) {
    return tl::unexpected(
        Failure{Error::checksum_mismatch, "trailer mismatch: the chunks are not the ones this file was written with"});
  }
  return {};
}

Outcome<void> decompress_container_into(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                                        unsigned threads) {
  std::size_t pos = 0;
  auto h = parse_header(in, &pos);
  if (!h) {
    if (h.error() == Error::corrupt && (in.size() < 4 || std::memcmp(in.data(), "EBPC", 4) != 0)) {
      return tl::unexpected(Failure{Error::corrupt, "not an .ebpc container"});
    }
    return tl::unexpected(failure(h.error(), "bad .ebpc header"));
  }
  if (out.size() / h->codec.elem_nbytes != h->nwords || out.size() % h->codec.elem_nbytes != 0) {
    return tl::unexpected(
        Failure{Error::bad_parameter, "output buffer size does not match the container's shape and dtype"});
  }
  // Every chunk takes at least its header: checked before anything is sized by the count.
  const std::uint64_t nchunks = h->nchunks();
  if (nchunks > (in.size() - pos) / k_chunk_header_nbytes) {
    return tl::unexpected(failure(Error::truncated, "cannot decompress"));
  }
  struct Job {
    std::size_t payload_pos;
    ChunkHeader ch;
    Error error;
  };
  std::vector<Job> jobs;
  try {
    jobs.reserve(static_cast<std::size_t>(nchunks));
  } catch (const std::bad_alloc&) {
    return tl::unexpected(failure(Error::limit_exceeded, "out of memory"));
  }
  for (std::uint64_t i = 0; i < nchunks; ++i) {
    auto ch = parse_chunk_header(in.subspan(pos), *h, h->chunk_nwords_at(i));
    if (!ch) {
      return tl::unexpected(failure(ch.error(), "chunk " + std::to_string(i) + ": bad chunk header"));
    }
    pos += k_chunk_header_nbytes;
    if (ch->payload_nbytes > in.size() - pos) {
      return tl::unexpected(failure(Error::truncated, "chunk " + std::to_string(i)));
    }
    jobs.push_back({pos, *ch, Error{}});
    pos += ch->payload_nbytes;
  }
  // After the last chunk: version 3's trailer (checked once the chunks decoded, so that a
  // damaged chunk is named as such), then nothing.
  const auto trailer = in.subspan(pos);
  if (trailer.size() < h->trailer_nbytes()) {
    return check_trailer(*h, trailer, 0);  // truncated
  }
  if (trailer.size() != h->trailer_nbytes()) {
    return tl::unexpected(failure(Error::corrupt, "trailing data after the last chunk"));
  }
  const unsigned nthreads = threads == 0 ? default_thread_count() : threads;
  // (decode_chunk does not throw; parallel_for starts fewer threads when it cannot start more.)
  const std::size_t elem = h->codec.elem_nbytes;
  parallel_for(jobs.size(), nthreads, [&](std::size_t i) {
    const std::size_t off = static_cast<std::size_t>(i * h->chunk_nwords * elem);
    const std::size_t len = static_cast<std::size_t>(h->chunk_nwords_at(i) * elem);
    auto r = decode_chunk(in.subspan(jobs[i].payload_pos, jobs[i].ch.payload_nbytes), jobs[i].ch, *h, i,
                          out.subspan(off, len));
    if (!r) {
      jobs[i].error = r.error();
    }
  });
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].error != Error{}) {
      return tl::unexpected(failure(jobs[i].error, "chunk " + std::to_string(i)));
    }
  }
  std::uint64_t chain = trailer_start(*h);
  for (const Job& j : jobs) {
    chain = trailer_step(chain, j.ch.checksum);
  }
  return check_trailer(*h, trailer, chain);
}

Result<std::vector<std::uint8_t>> decompress_container(std::span<const std::uint8_t> in, ContainerHeader* header_out,
                                                       std::uint64_t max_output_nbytes) {
  std::size_t pos = 0;
  auto h = parse_header(in, &pos);
  EBPC_TRY(h);
  EBPC_CHECK(h->nwords <= max_output_nbytes / h->codec.elem_nbytes, limit_exceeded);
  // Every chunk takes at least its header: a file too short for them cannot be valid,
  // so the output is not allocated for it.
  EBPC_CHECK(h->nchunks() <= (in.size() - pos) / k_chunk_header_nbytes, truncated);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(h->nwords * h->codec.elem_nbytes));
  if (auto r = decompress_container_into(in, out, 1); !r) {
    return tl::unexpected(r.error().code);
  }
  if (header_out != nullptr) {
    *header_out = *h;
  }
  return out;
}

}  // namespace ebpc
