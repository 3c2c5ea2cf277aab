// Decompressors of the general-purpose byte codecs (zstd, lz4, libdeflate) for the
// decoder-only library; their compressors and bounds are in bytecodecs_encode.cpp.
#include <libdeflate.h>
#include <lz4.h>
#include <zstd.h>

#include <climits>
#include <memory>

#include "codec/baselines.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

namespace {

std::size_t input_nbytes(std::size_t nwords, const CodecParams& p) { return nwords * p.elem_nbytes; }

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

}  // namespace

// The bounds of zstd and lz4 are their headers' macros (ZSTD_compressBound and
// LZ4_compressBound compute the same), so the decoders check sizes without a compressor.
std::size_t zstd_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  return ZSTD_COMPRESSBOUND(input_nbytes(nwords, p));
}

std::size_t lz4_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  const std::size_t n = input_nbytes(nwords, p);
  return n > LZ4_MAX_INPUT_SIZE ? 0 : static_cast<std::size_t>(LZ4_COMPRESSBOUND(n));
}

// At least libdeflate_deflate_compress_bound(nullptr, n) (5 bytes per block of at least
// 10000 bytes, plus 9; tests/test_baselines.cpp checks it against the library's), without
// linking the compressor.
std::size_t deflate_payload_limit_nbytes(std::size_t nwords, const CodecParams& p) {
  const std::size_t n = input_nbytes(nwords, p);
  return n + 5 * (n / 4096 + 1) + 64;
}

Result<void> zstd_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams&,
                         std::span<std::uint8_t> out) {
  // The frame's content size is a claim from the input: it must equal the caller's size.
  const unsigned long long claimed = ZSTD_getFrameContentSize(in.data(), in.size());
  EBPC_CHECK(claimed != ZSTD_CONTENTSIZE_ERROR, corrupt);
  EBPC_CHECK(claimed == ZSTD_CONTENTSIZE_UNKNOWN || claimed == out.size(), corrupt);
  const std::size_t r = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  EBPC_CHECK(!ZSTD_isError(r), corrupt);
  EBPC_CHECK(r == out.size(), corrupt);
  return {};
}



Result<void> lz4_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams&,
                        std::span<std::uint8_t> out) {
  EBPC_CHECK(in.size() <= INT_MAX && out.size() <= INT_MAX, limit_exceeded);
  const int r = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out.data()),
                                    static_cast<int>(in.size()), static_cast<int>(out.size()));
  EBPC_CHECK(r >= 0, corrupt);
  EBPC_CHECK(static_cast<std::size_t>(r) == out.size(), corrupt);
  return {};
}



Result<void> deflate_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams&,
                            std::span<std::uint8_t> out) {
  std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(libdeflate_alloc_decompressor());
  EBPC_CHECK(d != nullptr, io);
  std::size_t in_used = 0;
  std::size_t out_used = 0;
  const auto r = libdeflate_deflate_decompress_ex(d.get(), in.data(), in.size(), out.data(), out.size(), &in_used,
                                                  &out_used);
  EBPC_CHECK(r == LIBDEFLATE_SUCCESS, corrupt);
  EBPC_CHECK(out_used == out.size() && in_used == in.size(), corrupt);
  return {};
}

}  // namespace ebpc::detail
