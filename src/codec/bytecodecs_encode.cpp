// Compressors of the general-purpose byte codecs through their Debian libraries, so every
// table can show what a user would pick instead of EBPC. Decompressors: bytecodecs.cpp.
#include <libdeflate.h>
#include <lz4.h>
#include <zstd.h>

#include <climits>
#include <memory>

#include "codec/baselines.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

namespace {

CodedSize byte_stream_size(std::size_t nbytes) {
  CodedSize s;
  s.nbytes = nbytes;
  s.stream0_nbytes = nbytes;
  s.exact_nbits = std::uint64_t{nbytes} * 8;
  s.padded_nbits = s.exact_nbits;
  return s;
}

std::size_t input_nbytes(std::size_t nwords, const CodecParams& p) { return nwords * p.elem_nbytes; }

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

}  // namespace


Result<CodedSize> zstd_encode(std::span<const std::uint8_t> bytes, const CodecParams& p, std::span<std::uint8_t> out) {
  const int level = p.level == 0 ? 3 : p.level;
  const std::size_t r = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), level);
  EBPC_CHECK(!ZSTD_isError(r), output_too_small);
  return byte_stream_size(r);
}


Result<CodedSize> lz4_encode(std::span<const std::uint8_t> bytes, const CodecParams&, std::span<std::uint8_t> out) {
  EBPC_CHECK(bytes.size() <= LZ4_MAX_INPUT_SIZE, bad_parameter);
  const int cap = out.size() > INT_MAX ? INT_MAX : static_cast<int>(out.size());
  const int r = LZ4_compress_default(reinterpret_cast<const char*>(bytes.data()), reinterpret_cast<char*>(out.data()),
                                     static_cast<int>(bytes.size()), cap);
  EBPC_CHECK(r > 0 || bytes.empty(), output_too_small);
  return byte_stream_size(static_cast<std::size_t>(r));
}

std::size_t deflate_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  // libdeflate's bound does not depend on the compressor's level (NULL is allowed).
  return libdeflate_deflate_compress_bound(nullptr, input_nbytes(nwords, p));
}

Result<CodedSize> deflate_encode(std::span<const std::uint8_t> bytes, const CodecParams& p,
                                 std::span<std::uint8_t> out) {
  const int level = p.level == 0 ? 6 : p.level;
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> c(libdeflate_alloc_compressor(level));
  EBPC_CHECK(c != nullptr, bad_parameter);
  const std::size_t r = libdeflate_deflate_compress(c.get(), bytes.data(), bytes.size(), out.data(), out.size());
  EBPC_CHECK(r != 0, output_too_small);
  return byte_stream_size(r);
}

}  // namespace ebpc::detail
