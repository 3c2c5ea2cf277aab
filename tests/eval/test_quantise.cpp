// Quantisation of ebpc eval with hand-computed values (src/eval/quantise.hpp).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <ebpc/eval_quantise.hpp>

namespace ebpc::eval {
namespace {

float f32(std::uint32_t bits) { return std::bit_cast<float>(bits); }

LayerValues values_f32(std::initializer_list<float> xs) {
  LayerValues v;
  v.dtype = DType::float32;
  for (const float x : xs) {
    std::uint8_t b[4];
    std::memcpy(b, &x, 4);
    v.bytes.insert(v.bytes.end(), b, b + 4);
  }
  return v;
}

LayerValues values_f16(std::initializer_list<std::uint16_t> hs) {
  LayerValues v;
  v.dtype = DType::float16;
  for (const std::uint16_t h : hs) {
    v.bytes.push_back(static_cast<std::uint8_t>(h & 0xff));
    v.bytes.push_back(static_cast<std::uint8_t>(h >> 8));
  }
  return v;
}

std::uint16_t u16_at(const std::vector<std::uint8_t>& b, std::size_t i) {
  return static_cast<std::uint16_t>(b[2 * i] | (b[2 * i + 1] << 8));
}

TEST(Formats, TableAndNames) {
  ASSERT_EQ(format_table().size(), 6u);
  EXPECT_EQ(find_format("fixed12")->word_nbits, 12u);
  EXPECT_EQ(find_format("fixed12")->storage, DType::int16);
  EXPECT_EQ(find_format("fixed8")->storage, DType::int8);
  EXPECT_EQ(find_format("bfloat16")->storage, DType::bfloat16);
  EXPECT_EQ(find_format("float32")->word_nbits, 32u);
  EXPECT_EQ(find_format("fixed7"), nullptr);
  EXPECT_EQ(find_format("FIXED8"), nullptr);
}

TEST(Fixed, HandComputedValues) {
  // N = 8: full scale 0.75 * 127 = 95.25.
  EXPECT_EQ(fixed_value(1.0f, 2.0f, 8), 47);     // 47.625
  EXPECT_EQ(fixed_value(-1.0f, 2.0f, 8), -47);   // toward zero, not -48
  EXPECT_EQ(fixed_value(2.0f, 2.0f, 8), 95);     // the max maps to 95.25 -> 95
  EXPECT_EQ(fixed_value(-2.0f, 2.0f, 8), -95);
  EXPECT_EQ(fixed_value(0.5f, 0.75f, 8), 63);    // 0.5 * 127 = 63.5
  EXPECT_EQ(fixed_value(-0.5f, 0.75f, 8), -63);
  EXPECT_EQ(fixed_value(0.01f, 2.0f, 8), 0);     // 0.476 -> 0
  EXPECT_EQ(fixed_value(-0.01f, 2.0f, 8), 0);    // -0.476 -> 0 (toward zero)
  // Exactly on an integer: x = 4 / 95.25 * m with m = 95.25 / 4 -> x = 1 gives 4.
  EXPECT_EQ(fixed_value(1.0f, 23.8125f, 8), 4);
  EXPECT_EQ(fixed_value(-1.0f, 23.8125f, 8), -4);
  // N = 12: 0.75 * 2047 = 1535.25; N = 16: 0.75 * 32767 = 24575.25.
  EXPECT_EQ(fixed_value(1.0f, 2.0f, 12), 767);   // 767.625
  EXPECT_EQ(fixed_value(-1.0f, 2.0f, 12), -767);
  EXPECT_EQ(fixed_value(3.0f, 3.0f, 12), 1535);
  EXPECT_EQ(fixed_value(1.0f, 2.0f, 16), 12287); // 12287.625
  EXPECT_EQ(fixed_value(-3.0f, 3.0f, 16), -24575);
  // -0.0 is zero in fixed point; an all-zero layer (max 0) quantises to zeros.
  EXPECT_EQ(fixed_value(-0.0f, 2.0f, 8), 0);
  EXPECT_EQ(fixed_value(0.0f, 0.0f, 8), 0);
}

TEST(Half, RoundToNearestEven) {
  EXPECT_EQ(float_to_half_bits(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half_bits(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half_bits(0.0f), 0x0000);
  EXPECT_EQ(float_to_half_bits(-0.0f), 0x8000);  // a non-zero word
  // 1 + 2^-11 is half-way between 0x3c00 and 0x3c01: ties to even (0x3c00).
  EXPECT_EQ(float_to_half_bits(f32(0x3f801000)), 0x3c00);
  // 1 + 3 * 2^-11 is half-way between 0x3c01 and 0x3c02: ties to even (0x3c02).
  EXPECT_EQ(float_to_half_bits(f32(0x3f803000)), 0x3c02);
  // Just above the tie rounds up.
  EXPECT_EQ(float_to_half_bits(f32(0x3f801001)), 0x3c01);
  EXPECT_EQ(float_to_half_bits(f32(0x3f800fff)), 0x3c00);
  // Largest half 65504; 65519 rounds down to it; 65520 is the tie with 65536 -> inf.
  EXPECT_EQ(float_to_half_bits(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half_bits(65519.0f), 0x7bff);
  EXPECT_EQ(float_to_half_bits(65520.0f), 0x7c00);
  EXPECT_EQ(float_to_half_bits(-1e10f), 0xfc00);
  // Subnormals: 2^-24 is the smallest; 2^-25 is the tie with 0 -> 0; 3 * 2^-25 -> 2 units (tie to even).
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(float_to_half_bits(-std::ldexp(1.0f, -25)), 0x8000);
  EXPECT_EQ(float_to_half_bits(std::ldexp(3.0f, -25)), 0x0002);
  EXPECT_EQ(float_to_half_bits(std::ldexp(3.0f, -26)), 0x0001);  // 0.75 unit -> 1
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  // 2^-14 - 2^-25 is half-way between the largest subnormal and 2^-14: ties to even (0x0400).
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25)), 0x0400);
  EXPECT_EQ(float_to_half_bits(f32(0x00000001)), 0x0000);  // binary32 subnormal
  // inf and NaN.
  EXPECT_EQ(float_to_half_bits(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(float_to_half_bits(-std::numeric_limits<float>::infinity()), 0xfc00);
  EXPECT_EQ(float_to_half_bits(std::numeric_limits<float>::quiet_NaN()), 0x7e00);
  EXPECT_EQ(float_to_half_bits(f32(0xff800001)), 0xfe00);  // negative signalling NaN
}

TEST(Half, ToFloatIsExact) {
  EXPECT_EQ(half_bits_to_float(0x3c00), 1.0f);
  EXPECT_EQ(half_bits_to_float(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(half_bits_to_float(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(std::bit_cast<std::uint32_t>(half_bits_to_float(0x8000)), 0x80000000u);
  EXPECT_TRUE(std::isinf(half_bits_to_float(0xfc00)));
  EXPECT_TRUE(std::isnan(half_bits_to_float(0x7e00)));
  // Every finite half survives half -> float -> half.
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
      continue;  // NaNs are canonicalised
    }
    ASSERT_EQ(float_to_half_bits(half_bits_to_float(static_cast<std::uint16_t>(h))), h) << h;
  }
}

TEST(BFloat16, RoundToNearestEven) {
  EXPECT_EQ(float_to_bfloat16_bits(1.0f), 0x3f80);
  EXPECT_EQ(float_to_bfloat16_bits(-0.0f), 0x8000);
  // 1 + 2^-8 is the tie between 0x3f80 and 0x3f81: even 0x3f80; 1 + 3 * 2^-8 -> 0x3f82.
  EXPECT_EQ(float_to_bfloat16_bits(f32(0x3f808000)), 0x3f80);
  EXPECT_EQ(float_to_bfloat16_bits(f32(0x3f818000)), 0x3f82);
  EXPECT_EQ(float_to_bfloat16_bits(f32(0x3f808001)), 0x3f81);
  EXPECT_EQ(float_to_bfloat16_bits(f32(0xbf80ffff)), 0xbf81);
  // The largest float rounds up to inf; inf stays inf; NaN becomes a quiet NaN.
  EXPECT_EQ(float_to_bfloat16_bits(f32(0x7f7fffff)), 0x7f80);
  EXPECT_EQ(float_to_bfloat16_bits(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(float_to_bfloat16_bits(f32(0x7f800001)), 0x7fc0);
  EXPECT_EQ(float_to_bfloat16_bits(f32(0xffffffff)), 0xffc0);
  // From a float16 value: half 0x3c01 = 1 + 2^-10 is exactly representable? No: bfloat16
  // keeps 7 fraction bits, 2^-10 is below half an ulp (2^-8) -> 1.0.
  EXPECT_EQ(float_to_bfloat16_bits(half_bits_to_float(0x3c01)), 0x3f80);
  // half 0x3c04 = 1 + 2^-8: the tie -> even 0x3f80; half 0x3c0c = 1 + 3 * 2^-8 -> 0x3f82.
  EXPECT_EQ(float_to_bfloat16_bits(half_bits_to_float(0x3c04)), 0x3f80);
  EXPECT_EQ(float_to_bfloat16_bits(half_bits_to_float(0x3c0c)), 0x3f82);
}

TEST(Quantise, MaxAbsSkipsNonFinite) {
  const LayerValues v = values_f32({0.5f, -3.0f, std::numeric_limits<float>::quiet_NaN(), 2.0f});
  std::size_t bad = 0;
  EXPECT_EQ(max_abs(v, &bad), 3.0f);
  EXPECT_EQ(bad, 2u);
  const LayerValues w = values_f16({0x3c00, 0xc200, 0x8000});  // 1, -3, -0
  EXPECT_EQ(max_abs(w, &bad), 3.0f);
  EXPECT_EQ(bad, 3u);
}

TEST(Quantise, FixedFormatsFromFloat16) {
  // 1, -3, -0.0, 0.5, -1.5, 2^-24 with max 3: fixed8 = trunc(x * 95.25 / 3) = trunc(x * 31.75).
  const LayerValues v = values_f16({0x3c00, 0xc200, 0x8000, 0x3800, 0xbe00, 0x0001});
  std::vector<std::uint8_t> out;
  quantise(v, NumberFormat::fixed8, 3.0f, out);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(static_cast<std::int8_t>(out[0]), 31);   // 31.75
  EXPECT_EQ(static_cast<std::int8_t>(out[1]), -95);  // -95.25
  EXPECT_EQ(static_cast<std::int8_t>(out[2]), 0);    // -0.0 -> 0
  EXPECT_EQ(static_cast<std::int8_t>(out[3]), 15);   // 15.875
  EXPECT_EQ(static_cast<std::int8_t>(out[4]), -47);  // -47.625
  EXPECT_EQ(static_cast<std::int8_t>(out[5]), 0);
  quantise(v, NumberFormat::fixed12, 3.0f, out);  // x * 511.75
  ASSERT_EQ(out.size(), 12u);
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 0)), 511);
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 1)), -1535);
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 2)), 0);
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 4)), -767);  // -767.625
  quantise(v, NumberFormat::fixed16, 3.0f, out);  // x * 8191.75
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 0)), 8191);
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 1)), -24575);
  EXPECT_EQ(static_cast<std::int16_t>(u16_at(out, 3)), 4095);  // 4095.875
}

TEST(Quantise, FloatFormatsFromFloat16) {
  const LayerValues v = values_f16({0x3c00, 0x8000, 0x3c0c, 0x0001, 0x7c00});
  std::vector<std::uint8_t> out;
  quantise(v, NumberFormat::float16, 123.0f, out);  // the stored bits; max is ignored
  EXPECT_EQ(out, v.bytes);
  quantise(v, NumberFormat::bfloat16, 123.0f, out);
  EXPECT_EQ(u16_at(out, 0), 0x3f80);
  EXPECT_EQ(u16_at(out, 1), 0x8000);  // -0.0 stays a non-zero word
  EXPECT_EQ(u16_at(out, 2), 0x3f82);
  EXPECT_EQ(u16_at(out, 3), 0x3380);  // 2^-24 is a normal bfloat16
  EXPECT_EQ(u16_at(out, 4), 0x7f80);
  quantise(v, NumberFormat::float32, 123.0f, out);
  ASSERT_EQ(out.size(), 20u);
  std::uint32_t b = 0;
  std::memcpy(&b, out.data() + 4, 4);
  EXPECT_EQ(b, 0x80000000u);
  std::memcpy(&b, out.data() + 8, 4);
  EXPECT_EQ(b, 0x3f818000u);  // 1 + 3 * 2^-8
}

TEST(Quantise, FloatFormatsFromFloat32) {
  const LayerValues v = values_f32({f32(0x3f801000), f32(0x3f803000), -0.0f, f32(0x3f808000)});
  std::vector<std::uint8_t> out;
  quantise(v, NumberFormat::float16, 1.0f, out);
  EXPECT_EQ(u16_at(out, 0), 0x3c00);
  EXPECT_EQ(u16_at(out, 1), 0x3c02);
  EXPECT_EQ(u16_at(out, 2), 0x8000);
  quantise(v, NumberFormat::bfloat16, 1.0f, out);
  EXPECT_EQ(u16_at(out, 3), 0x3f80);
  quantise(v, NumberFormat::float32, 1.0f, out);
  EXPECT_EQ(out, v.bytes);
}

}  // namespace
}  // namespace ebpc::eval
