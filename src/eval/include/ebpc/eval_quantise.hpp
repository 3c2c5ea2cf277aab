// Number formats of the paper's study and the quantisation that turns a layer's float
// values into W-bit words (docs/results.md, "Quantisation", says the same in prose).
//
// fixedN: per layer and kind, x is scaled by 0.75 / m (m = max |x| over all images of the
// dataset) and by 2^(N-1) - 1, then truncated toward zero: q = trunc(x * 0.75 * (2^(N-1)-1) / m).
// float16 / bfloat16: round-to-nearest-even from the float value (not scaled); a float16
// input is kept bit for bit. float32: the bits of the float value (not scaled).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ebpc/container.hpp>

namespace ebpc::eval {

enum class NumberFormat : std::uint8_t { fixed8, fixed12, fixed16, float16, bfloat16, float32 };

struct FormatInfo {
  NumberFormat id;
  std::string_view name;  // "fixed8", ...
  unsigned word_nbits;    // W the codecs see
  DType storage;          // element type of the quantised array (.npy dumps, byte codecs)
  bool is_fixed;
};

// All six formats, in the order above.
std::span<const FormatInfo> format_table() noexcept;
const FormatInfo& format_info(NumberFormat f) noexcept;
// nullptr for an unknown name.
const FormatInfo* find_format(std::string_view name) noexcept;

// IEEE binary32 -> binary16 bits, round to nearest, ties to even; subnormals kept,
// overflow to +-inf, NaN -> quiet NaN of the same sign (0x7e00 | sign) .
std::uint16_t float_to_half_bits(float x) noexcept;
// binary16 bits -> binary32 (exact).
float half_bits_to_float(std::uint16_t h) noexcept;
// binary32 -> bfloat16 bits (the top 16 bits), round to nearest, ties to even; NaN ->
// quiet NaN of the same sign (0x7fc0 | sign).
std::uint16_t float_to_bfloat16_bits(float x) noexcept;

// The paper's fixed-point value of x for a layer whose max |x| is max_abs:
// trunc(x * 0.75 * (2^(N-1) - 1) / max_abs), computed in double precision, which is exact
// enough that values on an integer boundary truncate to that integer (x * 0.75 * (2^(N-1)-1)
// is exact in double for a float x and N <= 16; one correctly rounded division follows).
// 0 when max_abs is 0. x must be finite and |x| <= max_abs.
std::int32_t fixed_value(float x, float max_abs, unsigned nbits) noexcept;

// One layer's values as read from a dataset file: float16 bits or float32 values.
struct LayerValues {
  DType dtype = DType::float32;     // float16 or float32
  std::vector<std::uint8_t> bytes;  // little-endian element bytes (host order)

  std::size_t size() const noexcept { return bytes.size() / (dtype == DType::float16 ? 2 : 4); }
  float at(std::size_t i) const noexcept;
};

// Largest |x| over the finite values; *first_nonfinite (if given) is set to the index of
// the first NaN or inf (or to size() when there is none).
float max_abs(const LayerValues& v, std::size_t* first_nonfinite = nullptr) noexcept;

// Quantises v to format f; out receives the element bytes of info.storage (int8 for
// fixed8, int16 for fixed12 / fixed16, float16 / bfloat16 bits, float32). max_abs is the
// scale of fixed formats (see fixed_value); fixed formats need finite values (the caller
// checks with max_abs()).
void quantise(const LayerValues& v, NumberFormat f, float layer_max_abs, std::vector<std::uint8_t>& out);

}  // namespace ebpc::eval
