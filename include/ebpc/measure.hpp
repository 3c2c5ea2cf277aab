// Exact compressed sizes of an array under several codecs: what `ebpc measure`, the study
// (`ebpc eval`) and the Python package's ebpc.measure report, computed in one place.
#pragma once

#include <cstdint>
#include <ebpc/buffer.hpp>
#include <ebpc/codecs.hpp>
#include <ebpc/dtype.hpp>
#include <ebpc/ebpc.hpp>
#include <span>
#include <string_view>
#include <vector>

namespace ebpc {

struct CodecMeasurement {
  CodecParams params;  // as coded: W and the element size filled in
  CodedSize size;      // exact_nbits, padded_nbits, znz_nbits, bpc_nbits
};

struct Measurement {
  unsigned word_nbits = 0;
  std::uint64_t values = 0;              // elements
  std::uint64_t zero_values = 0;         // elements whose W-bit word is 0
  std::uint64_t uncompressed_nbits = 0;  // values * W
  std::vector<CodecMeasurement> codecs;  // in the order asked
};

// The codecs `ebpc measure` and Python's ebpc.measure size when none are named (codec specs,
// parse_codec_spec).
inline constexpr std::string_view k_measure_default_codecs = "ebpc,zvc,zrle,bpc,zstd-1,zstd-3,zstd-19,lz4,deflate";

// elems: element bytes of dtype (host order); every codec is run with W = word_nbits (0:
// the dtype's width) and the element size of dtype; word codecs code the W-bit words,
// byte codecs the element bytes. Failures: bad_parameter with "value at flat index N does
// not fit in W bits", "float16 data is coded as 16-bit patterns", "width W is wider than
// int8", or "invalid parameters for CODEC (width W, block B, max zero run Z)".
// scratch (optional) is reused between calls.
Outcome<Measurement> measure(std::span<const std::uint8_t> elems, DType dtype, unsigned word_nbits,
                             std::span<const CodecParams> codecs, std::vector<std::uint8_t>* scratch = nullptr);

}  // namespace ebpc
