// Baselines of the paper's comparison, each a real encoder and decoder over one bit
// stream (MSB-first, padded to whole W-bit words).
#pragma once

#include <span>
#include <string_view>
#include <array>

#include <ebpc/codecs.hpp>

namespace ebpc::detail {

std::size_t zvc_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> zvc_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out);
Result<void> zvc_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                        std::span<std::uint8_t> words_out);

std::size_t zrle_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> zrle_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out);
Result<void> zrle_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                         std::span<std::uint8_t> words_out);

std::size_t bpc_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> bpc_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out);
Result<void> bpc_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                        std::span<std::uint8_t> words_out);

std::size_t ebpc_table_bound_nbytes(std::size_t nwords, const CodecParams& p);
// A laned EBPC buffer (docs/format.md "Lanes"): lane k's words and its two streams.
struct EbpcLane {
  std::size_t first_word;
  std::size_t nwords;
  std::span<const std::uint8_t> znz;
  std::span<const std::uint8_t> bpc;
};
// At most k_max_lanes of them, held in place (no allocation per decoded buffer).
struct EbpcLanes {
  std::array<EbpcLane, k_max_lanes> lane{};
  unsigned count = 0;
  std::size_t size() const noexcept { return count; }
  const EbpcLane& operator[](std::size_t k) const noexcept { return lane[k]; }
  const EbpcLane* begin() const noexcept { return lane.data(); }
  const EbpcLane* end() const noexcept { return lane.data() + count; }
};
std::size_t ebpc_lane_table_nbytes(unsigned count) noexcept;
// Splits in (a buffer of nwords words coded with L = lanes) into its lanes: checks the lane
// table against in's size and stream0_nbytes (the lanes' ZNZ bytes together); corrupt if not.
Result<EbpcLanes> ebpc_parse_lanes(std::span<const std::uint8_t> in, std::size_t stream0_nbytes,
                                               std::size_t nwords, unsigned lanes);
Result<CodedSize> ebpc_table_encode(std::span<const std::uint8_t> words, const CodecParams& p,
                                    std::span<std::uint8_t> out);
Result<void> ebpc_table_decode(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, const CodecParams& p,
                               std::span<std::uint8_t> words_out);

std::size_t zstd_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> zstd_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out);
Result<void> zstd_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                         std::span<std::uint8_t> words_out);
std::size_t lz4_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> lz4_encode(std::span<const std::uint8_t> words, const CodecParams& p, std::span<std::uint8_t> out);
Result<void> lz4_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                        std::span<std::uint8_t> words_out);
std::size_t deflate_bound_nbytes(std::size_t nwords, const CodecParams& p);
Result<CodedSize> deflate_encode(std::span<const std::uint8_t> words, const CodecParams& p,
                                 std::span<std::uint8_t> out);
Result<void> deflate_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                            std::span<std::uint8_t> words_out);

// Decode-side limit on a deflate payload (>= libdeflate's compress bound).
std::size_t deflate_payload_limit_nbytes(std::size_t nwords, const CodecParams& p);

// What a decoder needs of a codec: the decoder-only library's table (registry.cpp adds
// the encoders for the full table).
struct CodecDecodeEntry {
  std::string_view name;
  CodecId id;
  bool is_word_codec;
  // The largest payload a decoder accepts: the encoder's bound, or for deflate a formula
  // at least as large (its bound needs the compressor).
  std::size_t (*payload_limit_nbytes)(std::size_t nwords, const CodecParams& params);
  Result<void> (*decode)(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, const CodecParams& params,
                         std::span<std::uint8_t> words_out);
};
std::span<const CodecDecodeEntry> decode_table() noexcept;
const CodecDecodeEntry* find_decoder(CodecId id) noexcept;
const CodecDecodeEntry* find_decoder(std::string_view name) noexcept;

// zstd's highest level (ZSTD_maxCLevel() of the zstd this was built with; a test checks it).
inline constexpr int k_zstd_max_level = 22;

}  // namespace ebpc::detail
