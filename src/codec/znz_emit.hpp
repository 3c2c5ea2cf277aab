// Writing the ZNZ stream (spec "Stream 1") from 64-word non-zero masks: shared by the
// encoder body (ebpc_encode_b8_body.hpp) of every ISA.
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

}  // namespace ebpc::detail
