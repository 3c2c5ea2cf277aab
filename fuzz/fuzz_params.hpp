// Shared input layout of the fuzz targets: the first bytes choose the parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ebpc/codecs.hpp>
#include <ebpc/ebpc.hpp>

namespace ebpc::fuzz {

struct Reader {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t byte() {
    if (n == 0) {
      return 0;
    }
    --n;
    return *p++;
  }
  std::uint16_t u16() {
    const std::uint16_t lo = byte();
    return static_cast<std::uint16_t>(lo | (byte() << 8));
  }
};

inline EbpcParams params_from(Reader& r) {
  EbpcParams p;
  p.word_nbits = 2 + r.byte() % 31u;
  static constexpr unsigned k_blocks[] = {2, 4, 8, 16, 32};
  p.block_nwords = k_blocks[r.byte() % 5u];
  p.max_zero_run_nwords = 1u << (1 + r.byte() % 8u);
  return p;
}

inline unsigned elem_nbytes_for(unsigned w) { return w <= 8 ? 1u : w <= 16 ? 2u : 4u; }

inline constexpr std::size_t k_max_fuzz_nwords = 4096;

}  // namespace ebpc::fuzz
