// Typed views of word buffers given as bytes (the codec table's interface).
// The library is built with -fno-strict-aliasing, so the element buffers may be
// viewed with their word type once alignment is checked.
#pragma once

#include <cstdint>
#include <span>

#include "common/check.hpp"

namespace ebpc::detail {

template <class Word>
Result<std::span<const Word>> as_words(std::span<const std::uint8_t> bytes) noexcept {
  EBPC_CHECK(bytes.size() % sizeof(Word) == 0, bad_parameter);
  EBPC_CHECK(reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(Word) == 0, bad_parameter);
  return std::span<const Word>(reinterpret_cast<const Word*>(bytes.data()), bytes.size() / sizeof(Word));
}

template <class Word>
Result<std::span<Word>> as_words(std::span<std::uint8_t> bytes) noexcept {
  EBPC_CHECK(bytes.size() % sizeof(Word) == 0, bad_parameter);
  EBPC_CHECK(reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(Word) == 0, bad_parameter);
  return std::span<Word>(reinterpret_cast<Word*>(bytes.data()), bytes.size() / sizeof(Word));
}

// Calls f(Word{}) with the word type matching elem_nbytes (1, 2 or 4).
template <class F>
auto with_word_type(unsigned elem_nbytes, F&& f) {
  switch (elem_nbytes) {
    case 1: return f(std::uint8_t{});
    case 2: return f(std::uint16_t{});
    default: return f(std::uint32_t{});
  }
}

// Bit j of x moves to bit 63 - j (flag masks are LSB-first, streams MSB-first).
inline std::uint64_t reverse_bits64(std::uint64_t x) noexcept {
  x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
  x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
  x = ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(x);
}

}  // namespace ebpc::detail
