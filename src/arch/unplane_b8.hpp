// Kernels of the B = 8, W <= 16 EBPC decoder (src/codec/ebpc_decode_body.hpp), shared
// contract. Decode side only: nothing here is used by, or includes, an encoder.
//
// The decoder body is written once over a kernel policy and compiled once per ISA (the
// way libdeflate's decompress_template.h is); a policy is a struct of static functions:
//   using Bad;                     range-check failures, accumulated over many calls
//   Bad bad_none(); bool bad_any(const Bad&);
//   NarrowConsts narrow_consts(w); WideConsts wide_consts(w);   per-call constants
//   unplane4_narrow(recs, bases8, w, k, out, bad)   W = 2..8, four blocks -> 32 bytes
//   unplane4_wide(recs, bases16, w, k, out, bad)    W = 9..16, four blocks -> 32 uint16
//   scatter_narrow<Word>(mbytes, len, src, out)     uint8 words to the mask's set bits
//   scatter_wide<Word>(mbytes, len, src, out)       uint16 words to the mask's set bits
//   any_zero_u8(v, count), any_zero_u16(v, count)
//   low_ones(n)                                     n (0..63) low bits set
//   popcount64(x)
// Policies: ScalarDecodeKernels (unplane_b8_scalar.hpp, the twins that say what each
// kernel computes, and what other targets run), Sse2DecodeKernels (unplane_b8_sse2.hpp,
// the x86-64 baseline), Avx2DecodeKernels (unplane_b8_avx2.hpp, AVX2 + BMI2, runtime
// dispatch: arch/cpu.hpp). tests/test_arch_decode.cpp checks every kernel against its
// scalar twin; bench/bench_decode_kernels.cpp times them.
//
// Records (docs/stream-format.md "Decoding", B = 8): one per block, k_narrow_stride (W <= 8)
// or k_wide_stride (W > 8) bytes. Bytes 0..W are the block's DBX bytes: byte p holds
// DBX[p] (7 bits, d[1] in bit 6) or, with bit 7 set, "DBP[p] is all zero" (the planes'
// XOR chain restarts there). So plane p = (byte p has bit 7 ? 0 : plane p-1) ^ (byte p & 0x7f),
// plane -1 = 0. The other bytes are ignored. Word 0 of a block is its base; word i (1..7)
// is word i-1 plus the (W+1)-bit two's-complement delta whose bit q is bit 7-i of plane q.
// Words are written as W-bit patterns (mod 2^W); a word whose true value falls outside
// W signed bits sets the failure flag (the stream is corrupt).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ebpc::arch {

inline constexpr std::size_t k_narrow_stride = 16;  // W <= 8: DBX bytes 0..W
inline constexpr std::size_t k_wide_stride = 32;    // W > 8: DBX bytes 0..W

// Byte-expansion masks: byte i = 0xff where bit i of the index is set.
struct ExpandBytes {
  std::uint64_t t[256];
  constexpr ExpandBytes() : t() {
    for (unsigned m = 0; m < 256; ++m) {
      std::uint64_t v = 0;
      for (unsigned i = 0; i < 8; ++i) {
        if ((m >> i) & 1u) {
          v |= std::uint64_t{0xff} << (8 * i);
        }
      }
      t[m] = v;
    }
  }
};
inline constexpr ExpandBytes k_expand_bytes{};

// pshufb controls that spread the first popcount(m) 16-bit words to the set bits of m.
struct Expand16 {
  alignas(16) std::uint8_t t[256][16];
  constexpr Expand16() : t() {
    for (unsigned m = 0; m < 256; ++m) {
      unsigned k = 0;
      for (unsigned i = 0; i < 8; ++i) {
        if ((m >> i) & 1u) {
          t[m][2 * i] = static_cast<std::uint8_t>(2 * k);
          t[m][2 * i + 1] = static_cast<std::uint8_t>(2 * k + 1);
          ++k;
        } else {
          t[m][2 * i] = 0x80;
          t[m][2 * i + 1] = 0x80;
        }
      }
    }
  }
};
inline constexpr Expand16 k_expand16{};

}  // namespace ebpc::arch
