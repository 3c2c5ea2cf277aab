// ebpc: element types (the dtypes of .npy files and .ebpc containers) and the conversion
// between elements and the W-bit word patterns the codecs code.
#pragma once

#include <cstdint>
#include <ebpc/ebpc.hpp>
#include <span>
#include <string_view>

namespace ebpc {

// Element types (stable ids, stored in .ebpc files).
enum class DType : std::uint8_t {
  int8 = 1,
  uint8 = 2,
  int16 = 3,
  uint16 = 4,
  float16 = 5,
  int32 = 6,
  uint32 = 7,
  float32 = 8,
  bfloat16 = 9,
};

struct DTypeInfo {
  DType id;
  std::string_view name;  // "int8", "float16", ...
  unsigned nbytes;
  bool is_signed_int;
  bool is_float;
};

const DTypeInfo* dtype_info(DType id) noexcept;  // nullptr for an unknown id
const DTypeInfo* dtype_from_name(std::string_view name) noexcept;

// Elements -> W-bit word patterns, in place (elem storage, host byte order). Integers
// must fit W bits (signed: -2^(W-1)..2^(W-1)-1, unsigned: 0..2^W-1): otherwise
// bad_parameter and *bad_index (if given) is the first element that does not fit.
// Floats need W = their width (bit patterns). Words -> elements sign-extends signed ints.
Result<void> elements_to_words(std::span<std::uint8_t> data, DType dtype, unsigned word_nbits,
                               std::uint64_t* bad_index = nullptr) noexcept;
void words_to_elements(std::span<std::uint8_t> data, DType dtype, unsigned word_nbits) noexcept;

// Whether elements of dtype can be W-bit words at all, with the one message for each
// condition (bad_parameter): "width W: float16 data is coded as 16-bit patterns" (a float
// at another width), "width W is wider than int8" (W above the element's width), "width W
// is outside 2..32".
Outcome<void> check_word_width(DType dtype, unsigned word_nbits);

// elements_to_words with check_word_width's messages, and for a value that does not fit:
// "value at flat index I does not fit in W bits", I = first_index + its index in data.
Outcome<void> elements_to_words_or_failure(std::span<std::uint8_t> data, DType dtype, unsigned word_nbits,
                                           std::uint64_t first_index = 0);

}  // namespace ebpc
