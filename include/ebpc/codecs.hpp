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
};

struct CodecParams {
  CodecId id = CodecId::ebpc;
  unsigned word_nbits = 8;            // W (word codecs)
  unsigned elem_nbytes = 1;           // 1, 2 or 4: storage of one word
  unsigned block_nwords = 8;          // B (ebpc, bpc)
  unsigned max_zero_run_nwords = 16;  // Z (ebpc)
  int level = 0;                      // zstd / deflate level; 0 = the codec's default
};

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
  std::string_view name;    // "ebpc", "zvc", "zrle", "bpc", "zstd", "lz4", "deflate"
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
inline constexpr std::string_view k_codec_list = "ebpc, zvc, zrle, bpc, zstd[-LEVEL], lz4, deflate[-LEVEL]";

// Parses "ebpc", "zvc", "zrle", "bpc", "zstd", "zstd-19", "lz4", "deflate", "deflate-9"
// into params.id and params.level (other fields untouched). bad_parameter if unknown.
Result<void> parse_codec_spec(std::string_view spec, CodecParams& params);
// The inverse: "zstd-19", "ebpc", ... (levels only where they were set).
std::string codec_spec(const CodecParams& params);

// Checks the parameter combination for a codec (W within elem, B, Z, level).
Result<void> validate(const CodecParams& params) noexcept;

}  // namespace ebpc
