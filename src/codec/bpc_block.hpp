// The bit-plane block coder shared by EBPC's BPC stream and the BPC baseline (Kim et al.):
// base + delta bit-planes + XOR planes (docs/stream-format.md "Block transform" and "BPC
// symbols"). The two differ only in the codes for runs of all-zero DBX planes.
#pragma once

#include <cstdint>

#include "codec/bpc_symbols.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

// A symbol as a decoder of this shape sees it from the next 5 bits: bpc_symbols.hpp's code
// with its field's width for this W and B.
struct BlockHead {
  BpcSymbol symbol;
  std::uint8_t prefix_nbits;
  std::uint8_t field_nbits;
};

struct BlockShape {
  unsigned word_nbits;        // W
  unsigned block_nwords;      // B
  unsigned run_len_nbits;     // ceil(log2(W))
  unsigned index_nbits;       // ceil(log2(B))
  std::uint64_t dbx_mask;     // B-1 ones
  ZeroRunCode zero_run_code;
  BlockHead head[1u << k_bpc_head_nbits];  // by the next 5 bits
  BpcCodeword zero_code;                   // a run of one all-zero DBX
  std::uint32_t run_prefix;                // a longer run: this, then r-2 in run_len_nbits
  unsigned run_prefix_nbits;
};

inline BlockShape make_block_shape(unsigned w, unsigned b, ZeroRunCode code) noexcept {
  const BpcSymbolCode run = bpc_code(code, BpcSymbol::zero_run);
  BlockShape s{w, b, ceil_log2(w), ceil_log2(b), low_mask64(b - 1), code, {}, bpc_zero_run_codeword(code, 1, 0),
               run.prefix, run.prefix_nbits};
  for (unsigned h = 0; h < (1u << k_bpc_head_nbits); ++h) {
    const BpcSymbolCode c = bpc_code_at(code, h);
    s.head[h] = {c.symbol, c.prefix_nbits,
                 static_cast<std::uint8_t>(bpc_field_nbits(c.field, b, s.run_len_nbits, s.index_nbits))};
  }
  return s;
}

// An 8 x 8 bit matrix transposed: bit j of byte k goes to bit k of byte j (three
// delta swaps). The B = 8 block coders move 8 planes by 8 words at a time through it
// instead of one bit at a time.
inline std::uint64_t transpose8x8(std::uint64_t x) noexcept {
  std::uint64_t t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
  x ^= t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
  x ^= t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
  x ^= t ^ (t << 28);
  return x;
}

// Worst-case coded bits of one block.
inline std::uint64_t block_bound_nbits(const BlockShape& s) noexcept {
  std::uint64_t per_plane = s.block_nwords;  // '1' + B-1 bits
  per_plane = per_plane > 5 + s.index_nbits ? per_plane : 5 + s.index_nbits;
  per_plane = per_plane > 3 + s.run_len_nbits ? per_plane : 3 + s.run_len_nbits;
  return s.word_nbits + std::uint64_t{s.word_nbits + 1} * per_plane;
}

}  // namespace ebpc::detail
