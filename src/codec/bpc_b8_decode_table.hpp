// The BPC symbol table of the B = 8 decoder (docs/stream-format.md "BPC symbols"), the one
// table of the decode direction: src/codec/ebpc_decode_body.hpp reads it, whatever the
// ISA. Decode side only: no encoder header is included, nothing of the encoder uses it.
#pragma once

#include <cstdint>

#include "codec/bpc_symbols.hpp"

namespace ebpc::detail {


// One BPC symbol (B = 8) from the next 9 bits: bits 0..5 its length, bits 6..11 the planes
// it covers (32 for an invalid index: the exact parser then reports it), bits 32..39 its
// DBX (0 for zero runs; 0x80 for '00001', DBP all zero: the planes' prefix XOR restarts
// there, a segmented scan with the flag in bit 7). A '1' + DBX symbol followed by a '1'
// is taken as a pair of them (16 bits, 2 planes; bits 40..47 = 0x7f: the second DBX is
// taken from the window): half the look-ups for the noisy low planes. A pair that would
// run one plane past the block (its second '1' is the next block's base) is undone after.
inline constexpr std::uint64_t k_pair_flag = std::uint64_t{0x7f} << 40;

struct SymTables {
  std::uint64_t t[4][512];  // by ceil(log2(W)) - 1
  constexpr SymTables() : t() {
    for (unsigned lw = 1; lw <= 4; ++lw) {
      for (unsigned x9 = 0; x9 < 512; ++x9) {
        const unsigned x = x9 >> 1;
        const BpcSymbolCode code = bpc_code_at(ZeroRunCode::ebpc, x >> (8 - k_bpc_head_nbits));
        const unsigned len = code.prefix_nbits + bpc_field_nbits(code.field, 8, lw, 3);
        const unsigned field = (x >> (8 - len)) & ((1u << (len - code.prefix_nbits)) - 1);
        unsigned np = 1;
        unsigned dbx = 0;
        switch (code.symbol) {
          case BpcSymbol::dbx: dbx = field; break;
          case BpcSymbol::zero: break;
          case BpcSymbol::zero_run: np = field + 2; break;
          case BpcSymbol::zero_dbp: dbx = 0x80; break;  // DBP all zero: the prefix XOR restarts here
          case BpcSymbol::all_ones:
          case BpcSymbol::two_ones:
          case BpcSymbol::one_one: {
            const BpcDbx d = bpc_index_dbx(code.symbol, field, 8);
            dbx = d.dbx;
            np = d.ok ? 1 : 32;
            break;
          }
        }
        std::uint64_t e = std::uint64_t{len} | std::uint64_t{np} << 6 | std::uint64_t{dbx} << 32;
        if (code.symbol == BpcSymbol::dbx && (x9 & 1)) {
          e = std::uint64_t{16} | std::uint64_t{2} << 6 | std::uint64_t{dbx} << 32 | k_pair_flag;
        }
        t[lw - 1][x9] = e;
      }
    }
  }
};
inline constexpr SymTables k_sym_tables{};

// The same split in two for the parse loop: inc = bits 0..31 (added to the cursor word,
// which then stays clean), val = the DBX byte(s) to store (byte 1 = 0x7f for a pair).
struct SymSplit {
  std::uint32_t inc[4][512];
  std::uint16_t val[4][512];
  constexpr SymSplit() : inc(), val() {
    for (unsigned t = 0; t < 4; ++t) {
      for (unsigned x = 0; x < 512; ++x) {
        const std::uint64_t e = k_sym_tables.t[t][x];
        inc[t][x] = static_cast<std::uint32_t>(e);
        val[t][x] = static_cast<std::uint16_t>(e >> 32);
      }
    }
  }
};
inline constexpr SymSplit k_sym_split{};

}  // namespace ebpc::detail
