// Exact compressed sizes of an array under several codecs: what `ebpc measure`, the study
// (`ebpc eval`) and the Python package's ebpc.measure report, computed in one place.
#pragma once

#include <cstdint>
#include <ebpc/buffer.hpp>
#include <ebpc/codecs.hpp>
#include <ebpc/dtype.hpp>
#include <ebpc/ebpc.hpp>
#include <span>
#include <string>
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
inline constexpr std::string_view k_measure_default_codecs =
    "ebpc,zvc,zrle,bpc,zstd-1,zstd-3,zstd-19,lz4,deflate,ebpcx";

// elems: element bytes of dtype (host order); every codec is run with W = word_nbits (0:
// the dtype's width) and the element size of dtype; word codecs code the W-bit words,
// byte codecs the element bytes. Failures: bad_parameter with "value at flat index N does
// not fit in W bits", check_word_width's messages (dtype.hpp), or "invalid parameters for CODEC (width W, block B, max zero run Z)".
// scratch (optional) is reused between calls.
Outcome<Measurement> measure(std::span<const std::uint8_t> elems, DType dtype, unsigned word_nbits,
                             std::span<const CodecParams> codecs, std::vector<std::uint8_t>* scratch = nullptr);

// One codec's row of `ebpc measure` (its table and --json) and of Python's ebpc.measure:
// the sizes and what is derived from them, computed here once. Rows add up into totals.
struct MeasureRow {
  std::string codec;  // codec_spec of the parameters as coded
  std::uint64_t values = 0;
  std::uint64_t zero_values = 0;
  std::uint64_t uncompressed_nbits = 0;
  std::uint64_t compressed_nbits = 0;  // exact (unpadded)
  std::uint64_t padded_nbits = 0;
  std::uint64_t znz_nbits = 0;  // EBPC's two streams (has_streams)
  std::uint64_t bpc_nbits = 0;
  bool has_streams = false;

  // uncompressed / compressed bits (0 when nothing was coded); zeros / values (0 for none).
  double ratio() const noexcept {
    return compressed_nbits == 0 ? 0.0 : static_cast<double>(uncompressed_nbits) / static_cast<double>(compressed_nbits);
  }
  double zero_fraction() const noexcept {
    return values == 0 ? 0.0 : static_cast<double>(zero_values) / static_cast<double>(values);
  }
  void add(const MeasureRow& r) noexcept;
};

// The rows of a measurement, one per codec in its order.
std::vector<MeasureRow> measure_rows(const Measurement& m);

}  // namespace ebpc
