// Baselines of the paper's comparison, each a real encoder and decoder over one bit
// stream (MSB-first, padded to whole W-bit words).
#pragma once

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

}  // namespace ebpc::detail
