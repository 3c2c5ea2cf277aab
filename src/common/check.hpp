// The one checked error path for untrusted input (house style: libdeflate SAFETY_CHECK,
// zstd RETURN_ERROR_IF). Every check that depends on input goes through EBPC_CHECK.
#pragma once

#include <ebpc/ebpc.hpp>

#define EBPC_CHECK(cond, err)                  \
  do {                                         \
    if (!(cond)) [[unlikely]] {                \
      return ::tl::unexpected(::ebpc::Error::err); \
    }                                          \
  } while (0)

#define EBPC_TRY(expr)                         \
  do {                                         \
    auto&& ebpc_try_r_ = (expr);               \
    if (!ebpc_try_r_) [[unlikely]] {           \
      return ::tl::unexpected(ebpc_try_r_.error()); \
    }                                          \
  } while (0)

namespace ebpc {

// ceil(log2(x)) for x >= 1: the width of the log2 fields of the streams (docs/stream-format.md
// "Parameters").
constexpr unsigned ceil_log2(unsigned x) noexcept {
  unsigned n = 0;
  while ((1u << n) < x) {
    ++n;
  }
  return n;
}

constexpr bool is_pow2(unsigned x) noexcept { return x != 0 && (x & (x - 1)) == 0; }

constexpr std::uint64_t low_mask64(unsigned nbits) noexcept {
  return nbits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << nbits) - 1;
}

// Two's-complement value of the low nbits of x (1 <= nbits <= 64).
constexpr std::int64_t sign_extend(std::uint64_t x, unsigned nbits) noexcept {
  const unsigned shift = 64 - nbits;
  return static_cast<std::int64_t>(x << shift) >> shift;
}

constexpr std::uint64_t round_up(std::uint64_t x, std::uint64_t m) noexcept { return (x + m - 1) / m * m; }

}  // namespace ebpc
