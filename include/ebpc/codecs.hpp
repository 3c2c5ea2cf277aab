// The codec table: EBPC, the baselines the paper compares against (ZVC, zero-RLE, BPC)
// and general-purpose byte codecs (zstd, lz4, libdeflate), as plain structs with the same
// whole-buffer encode / decode / bound functions (house style: no class hierarchy).
//
// Input and output words are elements of elem_nbytes (1, 2 or 4) bytes in host byte
// order holding W-bit patterns in their low bits. Byte codecs see the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <ebpc/dtype.hpp>
#include <ebpc/ebpc.hpp>

namespace ebpc {

// Stable ids: stored in .ebpc files.
enum class CodecId : std::uint8_t {
  ebpc = 1,
  zvc = 2,     // zero-value compression: 1 flag bit per word + the non-zero words
  zrle = 3,    // zero run-length: 1+W bits per non-zero word, 0 + (k-1) in 4 bits per zero run <= 16
  bpc = 4,     // bit-plane compression (Kim et al., ISCA 2016) of all words, blocks of B
  zstd = 5,
  lz4 = 6,
  deflate = 7, // raw DEFLATE via libdeflate
  ebpcx = 8,   // EBPC-X: word classes + adaptive binary range coding (docs/ebpcx.md "The ebpcx stream")
};

// How a codec that models the words' values (ebpcx) reads a W-bit pattern: a two's
// complement integer, or an IEEE half / bfloat16 bit pattern (W = 16). Other codecs ignore it.
enum class WordFormat : std::uint8_t { fixed = 0, float16 = 1, bfloat16 = 2 };

// float16 and bfloat16 as their bit fields, every other dtype as a two's complement integer.
constexpr WordFormat word_format_of(DType d) noexcept {
  return d == DType::float16 ? WordFormat::float16 : (d == DType::bfloat16 ? WordFormat::bfloat16 : WordFormat::fixed);
}

struct CodecParams {
  CodecId id = CodecId::ebpc;
  unsigned word_nbits = 8;            // W (word codecs)
  unsigned elem_nbytes = 1;           // 1, 2 or 4: storage of one word
  unsigned block_nwords = 8;          // B (ebpc, bpc)
  unsigned max_zero_run_nwords = 16;  // Z (ebpc)
  int level = 0;                      // zstd / deflate level; 0 = the codec's default
  unsigned lanes = 1;                 // L (ebpc): lanes per buffer (docs/format.md "Lanes"); 1 = the
                                      // hardware's two streams as they are; other codecs: 1
  // ebpcx encoder only (the decoder reads them from the stream): the value format and the
  // buffer's place in its map, for the above-row and previous-channel contexts. 0 = none.
  WordFormat word_format = WordFormat::fixed;
  std::uint64_t row_nwords = 0;        // words per row (the word above is row_nwords back)
  std::uint64_t plane_nwords = 0;      // words per channel plane, a multiple of row_nwords
  std::uint64_t first_word_index = 0;  // flat index in the map of the buffer's first word
};

// Lanes (EBPC, docs/format.md "Lanes"): a buffer of n words is cut into
// lane_count(n, L) contiguous lanes, each coded as its own ZNZ + BPC stream pair, so that a
// decoder (software or hardware) runs that many independent parse chains.
inline constexpr unsigned k_max_lanes = 32;
inline constexpr unsigned k_default_lanes = 8;     // what containers get unless told otherwise
inline constexpr std::size_t k_min_lane_nwords = 16384;  // a buffer has at most n / 16384 lanes
inline constexpr std::size_t k_lane_align_nwords = 64;  // lane lengths are multiples of 64 (but the last one's)
// The number of lanes a buffer of nwords words with parameter L has: min(L, max(1, nwords / 16384)).
constexpr unsigned lane_count(std::size_t nwords, unsigned lanes) noexcept {
  const std::size_t by_size = nwords / k_min_lane_nwords;
  return by_size < 1 ? 1u : (by_size < lanes ? static_cast<unsigned>(by_size) : lanes);
}
// Words per lane but the last: floor(nwords / count) rounded down to a multiple of 64 (at
// least 16384, since count <= nwords / 16384). The last lane takes the rest, so it is never
// empty and is at most 64 * count words longer than the others.
constexpr std::size_t lane_stride_nwords(std::size_t nwords, unsigned count) noexcept {
  if (count <= 1) {
    return nwords;
  }
  return nwords / count / k_lane_align_nwords * k_lane_align_nwords;
}

// Sizes of one encoded buffer. Word codecs code bit streams padded to whole W-bit words;
// exact_nbits is the unpadded total (the paper's measure), padded_nbits with padding.
struct CodedSize {
  std::size_t nbytes = 0;          // bytes written to the output (all streams)
  std::size_t stream0_nbytes = 0;  // EBPC: bytes of the ZNZ stream (the BPC stream follows)
  std::uint64_t exact_nbits = 0;
  std::uint64_t padded_nbits = 0;
  std::uint64_t znz_nbits = 0;     // EBPC only
  std::uint64_t bpc_nbits = 0;     // EBPC only
};

struct Codec {
  std::string_view name;    // "ebpc", "zvc", "zrle", "bpc", "zstd", "lz4", "deflate", "ebpcx"
  CodecId id;
  bool is_word_codec;       // codes W-bit words (else: bytes)
  std::size_t (*bound_nbytes)(std::size_t nwords, const CodecParams& params);
  // Errors: bad_parameter, output_too_small (out below bound_nbytes).
  Result<CodedSize> (*encode)(std::span<const std::uint8_t> words, const CodecParams& params,
                              std::span<std::uint8_t> out);
  // Decodes exactly words_out.size() / elem_nbytes words from in, which must be exactly
  // the bytes encode wrote (stream0_nbytes as encode reported it). Errors: truncated,
  // corrupt, bad_parameter.
  Result<void> (*decode)(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, const CodecParams& params,
                         std::span<std::uint8_t> words_out);
};

// All codecs, in a fixed order.
std::span<const Codec> codec_table() noexcept;
const Codec* find_codec(CodecId id) noexcept;
const Codec* find_codec(std::string_view name) noexcept;

// The codec names parse_codec_spec takes, for help and error texts.
inline constexpr std::string_view k_codec_list =
    "ebpc[-LLANES], zvc, zrle, bpc, zstd[-LEVEL], lz4, deflate[-LEVEL], ebpcx";

// Parses "ebpc", "ebpc-L8", "zvc", "zrle", "bpc", "zstd", "zstd-19", "lz4", "deflate",
// "deflate-9" into params.id, params.level and params.lanes (1 unless "-L" gives it; other
// fields untouched); *lanes_given (if given) says whether "-L" did. bad_parameter if unknown.
Result<void> parse_codec_spec(std::string_view spec, CodecParams& params, bool* lanes_given = nullptr);
// The inverse: "zstd-19", "ebpc", "ebpc-L8", ... (levels and lanes only where they were set).
std::string codec_spec(const CodecParams& params);

// ebpcx's context geometry for an array of this shape (C order, or Fortran order: the shape
// read backwards): row = the innermost dimension and plane = the two innermost (rank >= 3),
// row only (rank 2), neither (rank < 2). Sets row_nwords and plane_nwords.
void set_array_geometry(CodecParams& params, std::span<const std::uint64_t> shape, bool fortran_order) noexcept;

// Checks the parameter combination for a codec (W within elem, B, Z, level).
Result<void> validate(const CodecParams& params) noexcept;

}  // namespace ebpc
