// ebpc: Extended Bit-Plane Compression (Cavigelli, Rutishauser, Benini, JETCAS 2019).
//
// Public C++20 API. Whole-buffer calls with caller-visible sizes; every decoder
// checks its input and returns an ebpc::Error instead of throwing or crashing.
//
// Units are in every name: _nbits (bits), _nbytes (bytes), _nwords (W-bit words).
// Words are W-bit two's-complement patterns held in the low W bits of a uint8_t,
// uint16_t or uint32_t element; the bits above W must be zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace ebpc {

// One small, stable error enum. Values are never renumbered.
enum class Error : std::uint8_t {
  truncated = 1,            // the input ends before the data it announces
  corrupt = 2,              // the input cannot be parsed, or contradicts itself
  limit_exceeded = 3,       // a size read from the input exceeds a caller limit
  bad_parameter = 4,        // a parameter (width, block size, ...) is invalid
  unsupported_version = 5,  // a container version this build cannot read
  checksum_mismatch = 6,    // decoded data does not match its stored checksum
  io = 7,                   // a read or write failed
  unsupported = 8,          // a valid request this build does not implement
  output_too_small = 9,     // the caller's output buffer is too small
  hardware_hang = 10,       // the modelled published RTL never finishes on this input
  cancelled = 11,           // the caller's cancel flag was set
};

// A short, stable, human-readable description ("truncated input", ...).
std::string_view error_message(Error e) noexcept;

template <class T>
using Result = tl::expected<T, Error>;

// An error with the context that makes it a useful one-line message (which file, which
// chunk, which element). Calls that work on files, streams, datasets or the hardware
// model return it; the codecs' whole-buffer calls return the bare Error. The message is
// complete: a tool prints it as it is (after its own prefix).
struct Failure {
  Error code = Error::io;
  std::string message;
};

// "context: <error_message(code)>", or error_message(code) alone when context is empty.
Failure failure(Error code, std::string_view context = {});

template <class T>
using Outcome = tl::expected<T, Failure>;

inline constexpr unsigned k_min_word_nbits = 2;
inline constexpr unsigned k_max_word_nbits = 32;

// EBPC parameters (docs/stream-format.md "Parameters").
struct EbpcParams {
  unsigned word_nbits = 8;            // W: 2..32
  unsigned block_nwords = 8;          // B: 2, 4, 8, 16 or 32
  unsigned max_zero_run_nwords = 16;  // Z: a power of two, 2..256
};

// bad_parameter when W, B or Z is outside the ranges above.
Result<void> validate(const EbpcParams& params) noexcept;

// Exact sizes of the two EBPC streams before and after padding to whole W-bit words.
struct EbpcSizes {
  std::uint64_t znz_nbits = 0;  // ZNZ stream, unpadded
  std::uint64_t bpc_nbits = 0;  // BPC stream, unpadded
  std::uint64_t znz_padded_nbits = 0;
  std::uint64_t bpc_padded_nbits = 0;
};

// Worst-case byte sizes of each stream for nwords input words (padding included).
std::size_t ebpc_znz_bound_nbytes(std::size_t nwords, const EbpcParams& params) noexcept;
std::size_t ebpc_bpc_bound_nbytes(std::size_t nwords, const EbpcParams& params) noexcept;

// Encodes words into the ZNZ and BPC streams. Each stream is written MSB-first into
// bytes and padded with 0 bits to whole W-bit words (so it occupies
// ceil(padded_nbits / 8) bytes; for W = 8 and 16 this is exactly the hardware's words
// in big-endian byte order). Errors: bad_parameter (params, or a word with bits set
// above W), output_too_small (an output span below its bound).
Result<EbpcSizes> encode_streams(std::span<const std::uint8_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept;
Result<EbpcSizes> encode_streams(std::span<const std::uint16_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept;
Result<EbpcSizes> encode_streams(std::span<const std::uint32_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept;

// How much of each stream a successful decode read, in bits (padding excluded).
struct EbpcConsumed {
  std::uint64_t znz_nbits = 0;
  std::uint64_t bpc_nbits = 0;
};

// Decodes words_out.size() words from the two streams. Bytes after the data the
// decode needs are ignored (the caller may check EbpcConsumed). Errors: truncated
// (a stream ends early), corrupt (unparsable code, a zero run past the end, a
// reconstructed word outside W bits, a word marked non-zero that decodes to zero),
// bad_parameter. On error, words_out holds unspecified values.
Result<EbpcConsumed> decode_streams(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept;
Result<EbpcConsumed> decode_streams(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept;
Result<EbpcConsumed> decode_streams(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept;

// Convenience: owned streams (vectors sized to the padded streams).
struct EbpcStreams {
  std::vector<std::uint8_t> znz;
  std::vector<std::uint8_t> bpc;
  EbpcSizes sizes;
};
Result<EbpcStreams> encode_streams_to_vectors(std::span<const std::uint32_t> words, const EbpcParams& params);

// The hardware's raw stream files (`ebpc hw encode/decode`): each W-bit word of a stream
// as ceil(W/8) big-endian bytes. stream holds padded_nbits (a multiple of W) MSB-first.
std::vector<std::uint8_t> stream_to_hw_words(std::span<const std::uint8_t> stream, std::uint64_t padded_nbits,
                                             unsigned word_nbits);
// The inverse: an MSB-first stream (padded to whole bytes). bad_parameter when the size is
// not a whole number of words; corrupt when a word has bits above W (*bad_word says which).
Result<std::vector<std::uint8_t>> hw_words_to_stream(std::span<const std::uint8_t> bytes, unsigned word_nbits,
                                                     std::uint64_t* bad_word = nullptr);

// What the codecs run on, for reports: "avx2+bmi2", "sse2" or "scalar".
const char* simd_kernels() noexcept;

}  // namespace ebpc
