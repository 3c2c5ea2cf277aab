#include <ebpc/eval_quantise.hpp>

#include <bit>
#include <cmath>
#include <cstring>

namespace ebpc::eval {

namespace {

constexpr FormatInfo k_formats[] = {
    {NumberFormat::fixed8, "fixed8", 8, DType::int8, true},
    {NumberFormat::fixed12, "fixed12", 12, DType::int16, true},
    {NumberFormat::fixed16, "fixed16", 16, DType::int16, true},
    {NumberFormat::float16, "float16", 16, DType::float16, false},
    {NumberFormat::bfloat16, "bfloat16", 16, DType::bfloat16, false},
    {NumberFormat::float32, "float32", 32, DType::float32, false},
};

std::uint16_t load_u16(const std::uint8_t* p) noexcept {
  std::uint16_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store_u16(std::uint8_t* p, std::uint16_t v) noexcept { std::memcpy(p, &v, sizeof v); }

}  // namespace

std::span<const FormatInfo> format_table() noexcept { return k_formats; }

const FormatInfo& format_info(NumberFormat f) noexcept { return k_formats[static_cast<std::size_t>(f)]; }

const FormatInfo* find_format(std::string_view name) noexcept {
  for (const FormatInfo& f : k_formats) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

std::uint16_t float_to_half_bits(float x) noexcept {
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
  const auto sign = static_cast<std::uint16_t>((b >> 16) & 0x8000u);
  const std::uint32_t abs_bits = b & 0x7fffffffu;
  if (abs_bits > 0x7f800000u) {
    return static_cast<std::uint16_t>(sign | 0x7e00u);  // NaN: a quiet NaN of the same sign
  }
  const std::uint32_t exp32 = abs_bits >> 23;
  // The significand with its implicit bit (binary32 subnormals have none and exponent 1).
  const std::uint32_t mant = exp32 == 0 ? (abs_bits & 0x7fffffu) : ((abs_bits & 0x7fffffu) | 0x800000u);
  const int exp16 = static_cast<int>(exp32) - 127 + 15;
  if (exp16 >= 31) {
    return static_cast<std::uint16_t>(sign | 0x7c00u);  // overflow (and inf)
  }
  std::uint32_t result = 0;
  std::uint32_t rem = 0;
  std::uint32_t half = 0;
  if (exp16 >= 1) {
    // Normal: drop 13 significand bits; a carry out of the significand bumps the exponent
    // (up to 0x7c00 = inf), which is what IEEE rounding does.
    result = (static_cast<std::uint32_t>(exp16) << 10) | ((mant & 0x7fffffu) >> 13);
    rem = mant & 0x1fffu;
    half = 0x1000u;
  } else {
    // Subnormal half: units of 2^-24; mant * 2^(exp32 - 150) = (mant >> shift) units.
    const int shift = 126 - static_cast<int>(exp32 == 0 ? 1 : exp32);
    if (shift > 24) {
      return sign;  // below half of the smallest subnormal: rounds to (signed) zero
    }
    const auto s = static_cast<unsigned>(shift);
    result = mant >> s;
    rem = mant & ((1u << s) - 1u);
    half = 1u << (s - 1u);
  }
  if (rem > half || (rem == half && (result & 1u) != 0)) {
    ++result;
  }
  return static_cast<std::uint16_t>(sign | result);
}

float half_bits_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp16 = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits = 0;
  if (exp16 == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp16 != 0) {
    bits = sign | ((exp16 + 127 - 15) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {
    // Subnormal half: normalise.
    std::uint32_t e = 127 - 15 + 1;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((mant & 0x3ffu) << 13);
  }
  return std::bit_cast<float>(bits);
}

std::uint16_t float_to_bfloat16_bits(float x) noexcept {
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
  if ((b & 0x7fffffffu) > 0x7f800000u) {
    return static_cast<std::uint16_t>(((b >> 16) & 0x8000u) | 0x7fc0u);
  }
  // Round to nearest even on the 16 dropped bits; a carry into the exponent is correct
  // IEEE behaviour (up to inf).
  const std::uint32_t rounded = b + 0x7fffu + ((b >> 16) & 1u);
  return static_cast<std::uint16_t>(rounded >> 16);
}

std::int32_t fixed_value(float x, float max_abs, unsigned nbits) noexcept {
  if (max_abs == 0.0f) {
    return 0;
  }
  const double full_scale = 0.75 * static_cast<double>((std::int32_t{1} << (nbits - 1)) - 1);
  const double q = static_cast<double>(x) * full_scale / static_cast<double>(max_abs);
  return static_cast<std::int32_t>(std::trunc(q));
}

float LayerValues::at(std::size_t i) const noexcept {
  if (dtype == DType::float16) {
    return half_bits_to_float(load_u16(bytes.data() + 2 * i));
  }
  float x = 0;
  std::memcpy(&x, bytes.data() + 4 * i, sizeof x);
  return x;
}

float max_abs(const LayerValues& v, std::size_t* first_nonfinite) noexcept {
  const std::size_t n = v.size();
  float m = 0.0f;
  std::size_t bad = n;
  for (std::size_t i = 0; i < n; ++i) {
    const float x = v.at(i);
    if (!std::isfinite(x)) {
      if (bad == n) {
        bad = i;
      }
      continue;
    }
    m = std::fmax(m, std::fabs(x));
  }
  if (first_nonfinite != nullptr) {
    *first_nonfinite = bad;
  }
  return m;
}

void quantise(const LayerValues& v, NumberFormat f, float layer_max_abs, std::vector<std::uint8_t>& out) {
  const FormatInfo& info = format_info(f);
  const std::size_t n = v.size();
  const unsigned elem_nbytes = dtype_info(info.storage)->nbytes;
  out.resize(n * elem_nbytes);
  switch (f) {
    case NumberFormat::fixed8:
      for (std::size_t i = 0; i < n; ++i) {
        const auto q = static_cast<std::int8_t>(fixed_value(v.at(i), layer_max_abs, 8));
        out[i] = static_cast<std::uint8_t>(q);
      }
      break;
    case NumberFormat::fixed12:
    case NumberFormat::fixed16:
      for (std::size_t i = 0; i < n; ++i) {
        const auto q = static_cast<std::int16_t>(fixed_value(v.at(i), layer_max_abs, info.word_nbits));
        store_u16(out.data() + 2 * i, static_cast<std::uint16_t>(q));
      }
      break;
    case NumberFormat::float16:
      if (v.dtype == DType::float16) {
        std::memcpy(out.data(), v.bytes.data(), out.size());  // the stored bits, -0.0 included
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          store_u16(out.data() + 2 * i, float_to_half_bits(v.at(i)));
        }
      }
      break;
    case NumberFormat::bfloat16:
      for (std::size_t i = 0; i < n; ++i) {
        store_u16(out.data() + 2 * i, float_to_bfloat16_bits(v.at(i)));
      }
      break;
    case NumberFormat::float32:
      for (std::size_t i = 0; i < n; ++i) {
        const float x = v.at(i);
        std::memcpy(out.data() + 4 * i, &x, sizeof x);
      }
      break;
  }
}

}  // namespace ebpc::eval
