// The BPC symbol table of the B = 16 decoder (docs/stream-format.md "BPC symbols"):
// src/codec/ebpc_decode_body.hpp reads it for B = 16, whatever the ISA. Decode side
// only: no encoder header is included, nothing of the encoder uses it.
#pragma once

#include <cstdint>

#include "codec/bpc_symbols.hpp"

namespace ebpc::detail {

// One BPC symbol (B = 16) from the next 9 bits of the window. The longest symbol, '1' + 15
// DBX bits, is classified by its first bit; its DBX is then taken from the window (bits
// 14..0 of the window's top 16 bits), the other symbols are whole within the 9 bits:
//   inc   bits 0..5 the symbol's length, bits 6.. the planes it covers (32 for an invalid
//         index, so that the plane count overshoots and the exact parser reports it)
//   lit   its DBX when it is not '1' + DBX: 0 for zero runs, 0x7fff for '00000' (all ones),
//         0x8000 for '00001' (DBP all zero: the planes' prefix XOR restarts there, a
//         segmented scan with the flag in bit 15), one or two set bits for '00011'/'00010'
//   raw   0x7fff for '1' + DBX (DBX = window's top 16 bits & raw), else 0
// So a symbol's DBX = lit | (top16 & raw).
struct SymTablesB16 {
  std::uint32_t inc[4][512];  // by ceil(log2(W)) - 1 (the '001' run length's bits)
  std::uint32_t lit[512];
  std::uint32_t raw[512];
  constexpr SymTablesB16() : inc(), lit(), raw() {
    for (unsigned x = 0; x < 512; ++x) {
      const BpcSymbolCode code = bpc_code_at(ZeroRunCode::ebpc, x >> (9 - k_bpc_head_nbits));
      unsigned l = 0;
      unsigned r = 0;
      bool bad = false;
      switch (code.symbol) {
        case BpcSymbol::dbx: r = 0x7fff; break;
        case BpcSymbol::zero:
        case BpcSymbol::zero_run: break;
        case BpcSymbol::zero_dbp: l = 0x8000; break;
        case BpcSymbol::all_ones:
        case BpcSymbol::two_ones:
        case BpcSymbol::one_one: {
          const unsigned idx = x & 15;  // the prefix, then a 4-bit index
          const BpcDbx d = bpc_index_dbx(code.symbol, idx, 16);
          l = d.dbx;
          bad = !d.ok;
          break;
        }
      }
      lit[x] = l;
      raw[x] = r;
      for (unsigned lw = 1; lw <= 4; ++lw) {
        const unsigned len = code.prefix_nbits + bpc_field_nbits(code.field, 16, lw, 4);
        unsigned np = 1;
        if (code.symbol == BpcSymbol::zero_run) {
          np = ((x >> (9 - len)) & ((1u << lw) - 1)) + 2;
        }
        if (bad) {
          np = 32;
        }
        inc[lw - 1][x] = len | np << 6;
      }
    }
  }
};
inline constexpr SymTablesB16 k_sym_b16{};

}  // namespace ebpc::detail
