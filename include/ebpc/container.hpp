// The .ebpc container: a self-describing header (magic, version, codec and its
// parameters, dtype, shape, word count) and independent chunks, each with its stream
// lengths and an XXH64 checksum of its original data. Layout: docs/format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ebpc/buffer.hpp>
#include <ebpc/codecs.hpp>
#include <ebpc/dtype.hpp>
#include <ebpc/ebpc.hpp>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebpc {

// Version 3 (docs/format.md): EBPC chunks in lanes (the header's L) and a trailer that binds
// the chunks to their file. Version 2 binds every chunk to its position (the chunk
// checksum's seed is the header's checksum and the chunk's index); versions 1 and 2 are
// still read.
inline constexpr std::uint8_t k_container_version = 3;
inline constexpr std::uint8_t k_min_container_version = 1;
inline constexpr std::uint32_t k_default_chunk_nwords = 1u << 20;
// Decoders refuse chunks whose decoded size exceeds this (a lying header cannot make
// them allocate more).
inline constexpr std::uint64_t k_max_chunk_nbytes = std::uint64_t{256} << 20;
inline constexpr unsigned k_max_ndim = 32;
inline constexpr std::size_t k_chunk_header_nbytes = 16;
// Version 3's trailer after the last chunk: 8 bytes, the hash chain of the chunk checksums.
inline constexpr std::size_t k_trailer_nbytes = 8;

struct ContainerHeader {
  std::uint8_t version = k_container_version;  // what serialize_header writes; parse_header's
  CodecParams codec;                           // codec.elem_nbytes == dtype's size
  DType dtype = DType::uint8;
  std::vector<std::uint64_t> shape;  // C order unless fortran_order
  bool fortran_order = false;
  std::uint64_t nwords = 0;  // product of shape
  std::uint32_t chunk_nwords = k_default_chunk_nwords;

  std::size_t trailer_nbytes() const noexcept { return version >= 3 ? k_trailer_nbytes : 0; }
  std::uint64_t nchunks() const noexcept { return chunk_nwords == 0 ? 0 : (nwords + chunk_nwords - 1) / chunk_nwords; }
  std::uint64_t chunk_nwords_at(std::uint64_t index) const noexcept {
    const std::uint64_t start = index * chunk_nwords;
    return nwords - start < chunk_nwords ? nwords - start : chunk_nwords;
  }
};

// The parameters chunk chunk_index is encoded with: h.codec, and for ebpcx the dtype's word
// format and the array's geometry (set_array_geometry) with the chunk's first word index.
CodecParams chunk_codec_params(const ContainerHeader& h, std::uint64_t chunk_index) noexcept;

// Checks a header built by a caller (codec params, dtype, shape product, chunk size).
Result<void> validate(const ContainerHeader& h) noexcept;

// The header `ebpc compress` and Python's ebpc.compress write for an array: codec spec
// ("zstd-19"; level != 0 overrides its level), W = word_nbits or the dtype's width, B, Z,
// chunk size. Failures (bad_parameter / limit_exceeded) with one-line messages: "unknown
// codec 'x' (...)", "width 12: float16 data is coded as 16-bit patterns", "width 9 is wider
// than int8", "array too large", "invalid parameters (...)".
struct ArrayOptions {
  std::string codec = "ebpc";
  unsigned word_nbits = 0;  // 0: the dtype's width
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  int level = 0;
  std::uint32_t chunk_nwords = k_default_chunk_nwords;
  unsigned lanes = k_default_lanes;  // EBPC's L (1..32); other codecs always 1
};
Outcome<ContainerHeader> make_container_header(DType dtype, std::span<const std::uint64_t> shape, bool fortran_order,
                                               const ArrayOptions& options);

// The failure for element bytes of which one does not fit W bits: "value at flat index N
// does not fit in W bits", N counted from base_index (the elements' first flat index).
Failure unfit_value_failure(std::span<const std::uint8_t> elems, DType dtype, unsigned word_nbits,
                            std::uint64_t base_index);

std::vector<std::uint8_t> serialize_header(const ContainerHeader& h);

// Parses a header from the start of in. Returns the header and sets *header_nbytes.
// truncated when in is too short (a streaming caller then reads more), corrupt,
// unsupported_version, limit_exceeded (chunk above k_max_chunk_nbytes).
Result<ContainerHeader> parse_header(std::span<const std::uint8_t> in, std::size_t* header_nbytes) noexcept;

struct ChunkHeader {
  std::uint32_t payload_nbytes = 0;
  std::uint32_t stream0_nbytes = 0;
  std::uint64_t checksum = 0;  // XXH64 of the chunk's original element bytes (seed: chunk_checksum_seed)
};

// The XXH64 seed of chunk chunk_index's checksum: version 1: 0; version 2: the header's
// XXH32 in the high 32 bits, XOR chunk_index + 1, so that a chunk moved to another place
// or spliced in from another file fails its checksum.
std::uint64_t chunk_checksum_seed(const ContainerHeader& h, std::uint64_t chunk_index) noexcept;

// Version 3's trailer: a hash chain over the chunks' checksums in file order, started from
// the header (trailer_start), one trailer_step per chunk; the 8 bytes after the last chunk
// are its final value (little-endian). A chunk spliced in from another file whose header is
// the same passes its own checksum but breaks the chain.
std::uint64_t trailer_start(const ContainerHeader& h) noexcept;
std::uint64_t trailer_step(std::uint64_t chain, std::uint64_t chunk_checksum) noexcept;
// Checks the trailer bytes (what follows the last chunk, at least trailer_nbytes() of them)
// against the chain of every chunk's checksum: truncated when they are missing,
// checksum_mismatch when they differ. Nothing to check before version 3.
Outcome<void> check_trailer(const ContainerHeader& h, std::span<const std::uint8_t> trailer, std::uint64_t chain);

// Worst case of one chunk's encoded size (header + payload).
std::size_t chunk_bound_nbytes(const ContainerHeader& h, std::uint64_t chunk_nwords) noexcept;

// Encodes chunk chunk_index of elements (chunk_nwords_at(i) * elem bytes) and appends the
// chunk header and payload to out. scratch is reused between calls (no allocation per block).
// The ByteBuffer overload skips zero-filling the room it reserves for the payload.
Result<CodedSize> encode_chunk(std::span<const std::uint8_t> elems, const ContainerHeader& h, std::uint64_t chunk_index,
                               std::vector<std::uint8_t>& scratch, std::vector<std::uint8_t>& out);
Result<CodedSize> encode_chunk(std::span<const std::uint8_t> elems, const ContainerHeader& h, std::uint64_t chunk_index,
                               ByteBuffer& scratch, ByteBuffer& out);

// Parses and checks a chunk header against the container's limits.
Result<ChunkHeader> parse_chunk_header(std::span<const std::uint8_t> in, const ContainerHeader& h,
                                       std::uint64_t chunk_nwords) noexcept;

// Decodes chunk chunk_index's payload into elems_out (exactly the chunk's element bytes)
// and checks its checksum.
Result<void> decode_chunk(std::span<const std::uint8_t> payload, const ChunkHeader& ch, const ContainerHeader& h,
                          std::uint64_t chunk_index, std::span<std::uint8_t> elems_out) noexcept;

// Decodes a container held in memory into out, which must be exactly the header's nwords *
// elem bytes (bad_parameter otherwise; parse_header tells the size). The chunks are decoded
// on `threads` threads (0: one per core). Every check decompress_container makes (chunk
// headers, sizes, checksums, trailing data); the message names the chunk at fault. On
// error out holds unspecified bytes. Nothing is allocated by a size the input claims.
Outcome<void> decompress_container_into(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                                        unsigned threads);

// Worst case of a whole container's size (header + every chunk's bound).
std::size_t container_bound_nbytes(const ContainerHeader& h);

// Compresses elems (exactly h.nwords * elem bytes) into out (at least
// container_bound_nbytes(h)) and returns the bytes written: compress_container's bytes,
// for any thread count (0: one per core). A value that does not fit W bits is named by
// its flat index (unfit_value_failure).
Outcome<std::size_t> compress_container_into(std::span<const std::uint8_t> elems, const ContainerHeader& h,
                                             std::span<std::uint8_t> out, unsigned threads);

// Whole-buffer convenience over the chunk functions.
Result<std::vector<std::uint8_t>> compress_container(std::span<const std::uint8_t> elems, const ContainerHeader& h);
// max_output_nbytes: the caller's limit on the decoded size (limit_exceeded above it).
Result<std::vector<std::uint8_t>> decompress_container(std::span<const std::uint8_t> in, ContainerHeader* header_out,
                                                       std::uint64_t max_output_nbytes);

}  // namespace ebpc
