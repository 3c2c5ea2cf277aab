// Writing the ZNZ stream (docs/stream-format.md "ZNZ symbols") from 64-word non-zero masks:
// shared by the encoder body (ebpc_encode_body.hpp) of every ISA.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

// Pieces of Z zero words, each '0' + (Z - 1), while the pending zero run holds Z or more.
inline void emit_full_zero_runs(WideBitWriter& znz, unsigned& run, unsigned z, unsigned z_nbits) noexcept {
  while (run >= z) {
    znz.add(z - 1, 1 + z_nbits);
    znz.flush();
    run -= z;
  }
}

// The zero-run code before a run of `ones` non-zero words (none when run = 0) and their
// '1' bits, in one add (two when ones > 32). Leaves run = 0.
inline void emit_run_and_ones(WideBitWriter& znz, unsigned& run, unsigned ones, unsigned z_nbits) noexcept {
  std::uint64_t code = run != 0 ? run - 1 : 0;
  unsigned code_nbits = run != 0 ? 1 + z_nbits : 0;
  run = 0;
  if (ones > 32) [[unlikely]] {
    znz.add(code << 32 | low_mask64(32), code_nbits + 32);
    znz.flush();
    ones -= 32;
    code = 0;
    code_nbits = 0;
  }
  znz.add(code << ones | low_mask64(ones), code_nbits + ones);  // <= 9 + 32 bits
  znz.flush();
}

// ZNZ symbols of count words (1..64) whose non-zero mask is m (bits at and above count 0).
// zero_run: the zero words pending before them (< Z), updated to those pending after.
inline void emit_znz(WideBitWriter& znz, std::uint64_t m, unsigned count, unsigned& zero_run, unsigned z,
                     unsigned z_nbits) noexcept {
  unsigned pos = 0;
  while (pos < count) {
    const unsigned zeros = std::min(static_cast<unsigned>(std::countr_zero(m >> pos)), count - pos);
    pos += zeros;
    zero_run += zeros;
    emit_full_zero_runs(znz, zero_run, z, z_nbits);
    if (pos == count) {
      break;
    }
    const auto ones = static_cast<unsigned>(std::countr_one(m >> pos));  // stops at count: bit count is 0
    pos += ones;
    emit_run_and_ones(znz, zero_run, ones, z_nbits);
  }
}

// The same for a full group of 64 words, without the per-run bounds checks: one pass per
// run of non-zero words; the zero words after the last one stay pending.
inline void emit_znz64(WideBitWriter& znz, std::uint64_t m, unsigned& zero_run, unsigned z, unsigned z_nbits) noexcept {
  unsigned run = zero_run;
  if (m == 0) {
    run += 64;
  } else {
    std::uint64_t x = m;
    do {
      const auto zeros = static_cast<unsigned>(std::countr_zero(x));
      run += zeros;
      x >>= zeros;  // bit 0 is now a non-zero word
      const auto ones = static_cast<unsigned>(std::countr_one(x));  // 1..64
      x = (x >> 1) >> (ones - 1);
      emit_full_zero_runs(znz, run, z, z_nbits);
      emit_run_and_ones(znz, run, ones, z_nbits);
    } while (x != 0);
    run = static_cast<unsigned>(std::countl_zero(m));
  }
  emit_full_zero_runs(znz, run, z, z_nbits);
  zero_run = run;
}

// Z = 16 (the hardware's value): the ZNZ bits of 8 words by one look-up of their mask byte
// and the pending zero run (0..15), without branches. code[i]: bits 0..23 the symbols'
// bits, bits 24..31 how many; run[i]: the zero run pending after them; i = run << 8 | byte.
struct ZnzByteTable {
  std::uint32_t code[16 * 256];
  std::uint8_t run[16 * 256];
  unsigned max_nbits = 0;
  constexpr ZnzByteTable() : code(), run() {
    for (unsigned r0 = 0; r0 < 16; ++r0) {
      for (unsigned mb = 0; mb < 256; ++mb) {
        std::uint32_t bits = 0;
        unsigned n = 0;
        unsigned r = r0;
        for (unsigned j = 0; j < 8; ++j) {
          if ((mb >> j) & 1) {
            if (r != 0) {
              bits = bits << 5 | (r - 1);  // '0' + (run - 1)
              n += 5;
              r = 0;
            }
            bits = bits << 1 | 1;
            n += 1;
          } else if (++r == 16) {
            bits = bits << 5 | 15;  // a full run of Z
            n += 5;
            r = 0;
          }
        }
        code[r0 << 8 | mb] = bits | n << 24;
        run[r0 << 8 | mb] = static_cast<std::uint8_t>(r);
        max_nbits = std::max(max_nbits, n);
      }
    }
  }
};
inline constexpr ZnzByteTable k_znz_z16{};
static_assert(k_znz_z16.max_nbits <= 28, "two bytes' symbols must fit one add (56 bits)");

// emit_znz64 for Z = 16: two look-ups per add; 64 non-zero words after no pending run, and
// 64 zero words, take one branch each (dense and empty stretches of feature maps).
inline void emit_znz64_z16(WideBitWriter& znz, std::uint64_t m, unsigned& zero_run) noexcept {
  unsigned r = zero_run;
  if (m == ~std::uint64_t{0} && r == 0) {
    znz.add(0xffffffffu, 32);
    znz.flush();
    znz.add(0xffffffffu, 32);
    znz.flush();
    return;
  }
  if (m == 0) {  // four full runs of Z, the pending run unchanged
    znz.add(15u << 15 | 15u << 10 | 15u << 5 | 15u, 20);
    znz.flush();
    return;
  }
  for (unsigned k = 0; k < 64; k += 16) {
    const unsigned i0 = r << 8 | static_cast<unsigned>((m >> k) & 0xff);
    r = k_znz_z16.run[i0];
    const unsigned i1 = r << 8 | static_cast<unsigned>((m >> (k + 8)) & 0xff);
    r = k_znz_z16.run[i1];
    const std::uint32_t e0 = k_znz_z16.code[i0];
    const std::uint32_t e1 = k_znz_z16.code[i1];
    znz.add(std::uint64_t{e0 & 0xffffff} << (e1 >> 24) | (e1 & 0xffffff), (e0 >> 24) + (e1 >> 24));
    znz.flush();
  }
  zero_run = r;
}

}  // namespace ebpc::detail
