// The BPC symbol grammar, written once (docs/stream-format.md "BPC symbols"): the seven
// symbols with their prefix codes, the field that follows each prefix, and the rules that
// classify a plane and rebuild it. Every encoder's codes and every decoder's tables and
// parsers are derived from this table: the block coders (bpc_block_encode.hpp,
// bpc_block_decode.hpp), the fast decoders' symbol tables (bpc_b8_decode_table.hpp,
// bpc_b16_decode_table.hpp) and exact parser (ebpc_decode_body.hpp), the SIMD encoders'
// code tables (src/arch/encode_kernels*.hpp, encode_b16*.hpp) and the hardware model (src/hw).
// Header only, constexpr, no encoder or decoder code: both directions include it.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace ebpc::detail {

// The two codebooks differ only in the codes of the zero-DBX symbols.
enum class ZeroRunCode : std::uint8_t {
  ebpc,  // single all-zero DBX: 01, run r >= 2: 001 + (r-2)
  kim,   // single all-zero DBX: 001, run r >= 2: 01 + (r-2)   (the BPC baseline, ISCA 2016)
};

enum class BpcSymbol : std::uint8_t {
  dbx,       // any other DBX: the prefix, then the B-1 bits of DBX
  zero,      // one plane whose DBX is all zeros
  zero_run,  // r >= 2 planes whose DBX is all zeros: the prefix, then r-2
  all_ones,  // DBX all ones
  zero_dbp,  // DBP all zeros (its DBX is not)
  two_ones,  // DBX has two adjacent 1 bits: the prefix, then the index of the first
  one_one,   // DBX has exactly one 1 bit: the prefix, then its index
};
inline constexpr unsigned k_bpc_nsymbols = 7;

// What follows a symbol's prefix.
enum class BpcField : std::uint8_t {
  none,
  dbx,    // B-1 bits
  run,    // ceil(log2 W) bits: the run length minus 2
  index,  // log2(B) bits: a bit index counted from the plane's most significant bit
};

struct BpcSymbolCode {
  BpcSymbol symbol;
  std::uint8_t prefix;        // the code, MSB first, in the low prefix_nbits bits
  std::uint8_t prefix_nbits;  // 1..5
  BpcField field;
};

// The codebook, in the order of docs/stream-format.md's table (the classification order of
// a plane is: zero DBX, all ones, zero DBP, two ones, one one, any other).
inline constexpr std::array<BpcSymbolCode, k_bpc_nsymbols> bpc_codebook(ZeroRunCode zrc) noexcept {
  const bool ebpc = zrc == ZeroRunCode::ebpc;
  return {{
      {BpcSymbol::zero, static_cast<std::uint8_t>(ebpc ? 0b01 : 0b001), static_cast<std::uint8_t>(ebpc ? 2 : 3),
       BpcField::none},
      {BpcSymbol::zero_run, static_cast<std::uint8_t>(ebpc ? 0b001 : 0b01), static_cast<std::uint8_t>(ebpc ? 3 : 2),
       BpcField::run},
      {BpcSymbol::all_ones, 0b00000, 5, BpcField::none},
      {BpcSymbol::zero_dbp, 0b00001, 5, BpcField::none},
      {BpcSymbol::two_ones, 0b00010, 5, BpcField::index},
      {BpcSymbol::one_one, 0b00011, 5, BpcField::index},
      {BpcSymbol::dbx, 0b1, 1, BpcField::dbx},
  }};
}

// The codebook by symbol, for look-ups at run time.
struct BpcCodeTable {
  BpcSymbolCode code[2][k_bpc_nsymbols];
  constexpr BpcCodeTable() : code() {
    for (unsigned z = 0; z < 2; ++z) {
      for (const BpcSymbolCode& c : bpc_codebook(static_cast<ZeroRunCode>(z))) {
        code[z][static_cast<unsigned>(c.symbol)] = c;
      }
    }
  }
};
inline constexpr BpcCodeTable k_bpc_codes{};

inline constexpr BpcSymbolCode bpc_code(ZeroRunCode zrc, BpcSymbol s) noexcept {
  return k_bpc_codes.code[static_cast<unsigned>(zrc)][static_cast<unsigned>(s)];
}

// The longest prefix: a decoder that looks at the next k_bpc_head_nbits bits knows the symbol.
inline constexpr unsigned k_bpc_head_nbits = 5;

// The symbol whose prefix starts the 5 bits `head` (MSB first).
struct BpcHeadTable {
  BpcSymbol sym[2][1u << k_bpc_head_nbits];
  unsigned nmatches[2][1u << k_bpc_head_nbits];
  constexpr BpcHeadTable() : sym(), nmatches() {
    for (unsigned z = 0; z < 2; ++z) {
      for (unsigned head = 0; head < (1u << k_bpc_head_nbits); ++head) {
        for (const BpcSymbolCode& c : bpc_codebook(static_cast<ZeroRunCode>(z))) {
          if ((head >> (k_bpc_head_nbits - c.prefix_nbits)) == c.prefix) {
            sym[z][head] = c.symbol;
            ++nmatches[z][head];
          }
        }
      }
    }
  }
  // The codes are a complete prefix code: every head names exactly one symbol.
  constexpr bool complete() const noexcept {
    for (const auto& row : nmatches) {
      for (const unsigned n : row) {
        if (n != 1) {
          return false;
        }
      }
    }
    return true;
  }
};
inline constexpr BpcHeadTable k_bpc_head{};
static_assert(k_bpc_head.complete(), "the BPC codebook is not a complete prefix code");

inline constexpr BpcSymbol bpc_symbol_at(ZeroRunCode zrc, unsigned head5) noexcept {
  return k_bpc_head.sym[static_cast<unsigned>(zrc)][head5 & ((1u << k_bpc_head_nbits) - 1)];
}
inline constexpr BpcSymbolCode bpc_code_at(ZeroRunCode zrc, unsigned head5) noexcept {
  return bpc_code(zrc, bpc_symbol_at(zrc, head5));
}

// The field's width for a block of B words, W-bit words (lw = ceil(log2 W), lb = log2 B).
inline constexpr unsigned bpc_field_nbits(BpcField f, unsigned b, unsigned lw, unsigned lb) noexcept {
  switch (f) {
    case BpcField::dbx: return b - 1;
    case BpcField::run: return lw;
    case BpcField::index: return lb;
    case BpcField::none: break;
  }
  return 0;
}

// A symbol with its field, ready to write MSB first: `bits` holds prefix then field.
struct BpcCodeword {
  std::uint32_t bits;
  unsigned nbits;
};

inline constexpr BpcCodeword bpc_codeword(ZeroRunCode zrc, BpcSymbol s, std::uint32_t field, unsigned field_nbits) noexcept {
  const BpcSymbolCode c = bpc_code(zrc, s);
  return {std::uint32_t{c.prefix} << field_nbits | field, c.prefix_nbits + field_nbits};
}

// The code of a run of `run` >= 1 planes whose DBX is all zeros.
inline constexpr BpcCodeword bpc_zero_run_codeword(ZeroRunCode zrc, unsigned run, unsigned lw) noexcept {
  return run == 1 ? bpc_codeword(zrc, BpcSymbol::zero, 0, 0) : bpc_codeword(zrc, BpcSymbol::zero_run, run - 2, lw);
}

// Classification of a plane whose DBX is not zero (B-1 bit planes, `dbp` the plane, `dbx`
// = dbp ^ the plane below): the symbol and its field. Rules in the codebook's order.
struct BpcPlaneSymbol {
  BpcSymbol symbol;
  std::uint32_t field;  // the DBX, the index or 0
};

inline constexpr BpcPlaneSymbol bpc_classify(std::uint32_t dbx, std::uint32_t dbp, unsigned b) noexcept {
  const std::uint32_t all_ones = (std::uint32_t{1} << (b - 1)) - 1;
  if (dbx == all_ones) {
    return {BpcSymbol::all_ones, 0};
  }
  if (dbp == 0) {
    return {BpcSymbol::zero_dbp, 0};
  }
  const auto low = static_cast<unsigned>(std::countr_zero(dbx));  // dbx != 0
  const std::uint32_t top = dbx >> low;
  if (top == 0b11) {
    return {BpcSymbol::two_ones, b - 3 - low};
  }
  if (top == 1) {
    return {BpcSymbol::one_one, b - 2 - low};
  }
  return {BpcSymbol::dbx, dbx};
}

// The codes of the planes with a non-zero DBX are the same in both codebooks.
inline constexpr BpcSymbolCode k_bpc_dbx = bpc_code(ZeroRunCode::ebpc, BpcSymbol::dbx);
inline constexpr BpcSymbolCode k_bpc_all_ones = bpc_code(ZeroRunCode::ebpc, BpcSymbol::all_ones);
inline constexpr BpcSymbolCode k_bpc_zero_dbp = bpc_code(ZeroRunCode::ebpc, BpcSymbol::zero_dbp);
inline constexpr BpcSymbolCode k_bpc_two_ones = bpc_code(ZeroRunCode::ebpc, BpcSymbol::two_ones);
inline constexpr BpcSymbolCode k_bpc_one_one = bpc_code(ZeroRunCode::ebpc, BpcSymbol::one_one);
static_assert(bpc_code(ZeroRunCode::kim, BpcSymbol::dbx).prefix == k_bpc_dbx.prefix &&
              bpc_code(ZeroRunCode::kim, BpcSymbol::all_ones).prefix == k_bpc_all_ones.prefix &&
              bpc_code(ZeroRunCode::kim, BpcSymbol::zero_dbp).prefix == k_bpc_zero_dbp.prefix &&
              bpc_code(ZeroRunCode::kim, BpcSymbol::two_ones).prefix == k_bpc_two_ones.prefix &&
              bpc_code(ZeroRunCode::kim, BpcSymbol::one_one).prefix == k_bpc_one_one.prefix);

// The codeword of a plane whose DBX is not zero: bpc_classify's rules, written out so that
// an encoder's inner loop needs no table (the codes are the constants above).
inline constexpr BpcCodeword bpc_plane_codeword(std::uint32_t dbx, std::uint32_t dbp, unsigned b, unsigned lb) noexcept {
  if (dbx == (std::uint32_t{1} << (b - 1)) - 1) {
    return {k_bpc_all_ones.prefix, k_bpc_all_ones.prefix_nbits};
  }
  if (dbp == 0) {
    return {k_bpc_zero_dbp.prefix, k_bpc_zero_dbp.prefix_nbits};
  }
  const auto low = static_cast<unsigned>(std::countr_zero(dbx));
  const std::uint32_t top = dbx >> low;
  if (top == 0b11) {
    return {std::uint32_t{k_bpc_two_ones.prefix} << lb | (b - 3 - low), k_bpc_two_ones.prefix_nbits + lb};
  }
  if (top == 1) {
    return {std::uint32_t{k_bpc_one_one.prefix} << lb | (b - 2 - low), k_bpc_one_one.prefix_nbits + lb};
  }
  return {std::uint32_t{k_bpc_dbx.prefix} << (b - 1) | dbx, k_bpc_dbx.prefix_nbits + b - 1};
}

// The DBX that an all_ones, two_ones or one_one symbol stands for (index = its field), and
// whether the index is in range (two ones: index <= B-3, one one: index <= B-2). The
// other symbols: dbx, zero and zero_run take the DBX from their field or keep the plane
// below, zero_dbp sets the plane to zero.
struct BpcDbx {
  std::uint32_t dbx;
  bool ok;
};

inline constexpr BpcDbx bpc_index_dbx(BpcSymbol s, unsigned index, unsigned b) noexcept {
  switch (s) {
    case BpcSymbol::all_ones: return {(std::uint32_t{1} << (b - 1)) - 1, true};
    case BpcSymbol::two_ones:
      return index + 3 <= b ? BpcDbx{std::uint32_t{0b11} << (b - 3 - index), true} : BpcDbx{0, false};
    case BpcSymbol::one_one:
      return index + 2 <= b ? BpcDbx{std::uint32_t{1} << (b - 2 - index), true} : BpcDbx{0, false};
    default: break;
  }
  return {0, true};
}

// What a decoder does with a symbol: the plane it sets (prev = the plane below), how many
// planes it covers, and whether its index is in range.
struct BpcPlanes {
  std::uint32_t plane;
  unsigned nplanes;
  bool ok;
};

inline constexpr BpcPlanes bpc_planes_of(BpcSymbol s, std::uint32_t field, std::uint32_t prev, unsigned b) noexcept {
  // In the order of how often the symbols come in real maps: the noisy low planes first.
  if (s == BpcSymbol::dbx) {
    return {prev ^ field, 1, true};
  }
  if (s == BpcSymbol::zero || s == BpcSymbol::zero_run) {
    return {prev, s == BpcSymbol::zero ? 1u : field + 2, true};
  }
  if (s == BpcSymbol::zero_dbp) {
    return {0, 1, true};
  }
  const BpcDbx d = bpc_index_dbx(s, field, b);
  return {prev ^ d.dbx, 1, d.ok};
}

}  // namespace ebpc::detail

namespace ebpc::detail {

// The EBPC codewords as the SIMD encoders build them lane by lane (one code and one length
// per plane, B = 8 or 16), taken from the codebook above: a kernel ORs a field into a head.
template <unsigned kB>
struct BpcKernelCodes {
  static_assert(kB == 8 || kB == 16);
  static constexpr unsigned index_nbits = kB == 8 ? 3 : 4;
  static constexpr BpcSymbolCode c_dbx = bpc_code(ZeroRunCode::ebpc, BpcSymbol::dbx);
  static constexpr BpcSymbolCode c_two = bpc_code(ZeroRunCode::ebpc, BpcSymbol::two_ones);
  static constexpr BpcSymbolCode c_one = bpc_code(ZeroRunCode::ebpc, BpcSymbol::one_one);
  static constexpr BpcSymbolCode c_ones = bpc_code(ZeroRunCode::ebpc, BpcSymbol::all_ones);
  static constexpr BpcSymbolCode c_dbp = bpc_code(ZeroRunCode::ebpc, BpcSymbol::zero_dbp);
  static constexpr BpcSymbolCode c_zero = bpc_code(ZeroRunCode::ebpc, BpcSymbol::zero);
  static constexpr BpcSymbolCode c_run = bpc_code(ZeroRunCode::ebpc, BpcSymbol::zero_run);

  static constexpr std::uint32_t dbx_head = std::uint32_t{c_dbx.prefix} << (kB - 1);  // | the B-1 DBX bits
  static constexpr unsigned dbx_nbits = c_dbx.prefix_nbits + kB - 1;
  static constexpr std::uint32_t two_ones_head = std::uint32_t{c_two.prefix} << index_nbits;  // | the index
  static constexpr std::uint32_t one_one_head = std::uint32_t{c_one.prefix} << index_nbits;   // | the index
  static constexpr unsigned index_symbol_nbits = c_one.prefix_nbits + index_nbits;
  static constexpr std::uint32_t all_ones = c_ones.prefix;
  static constexpr std::uint32_t zero_dbp = c_dbp.prefix;
  static constexpr unsigned short_nbits = c_dbp.prefix_nbits;  // all ones and zero DBP
  static constexpr std::uint32_t zero = c_zero.prefix;
  static constexpr unsigned zero_nbits = c_zero.prefix_nbits;
  // A run of r >= 2: run_head(lw) + r = the prefix, then r-2 in lw bits.
  static constexpr std::uint32_t run_head(unsigned lw) noexcept { return (std::uint32_t{c_run.prefix} << lw) - 2; }
  static constexpr unsigned run_nbits(unsigned lw) noexcept { return c_run.prefix_nbits + lw; }

  // The shapes the kernels rely on: the two index symbols share a length, and so do the
  // all-ones and zero-DBP symbols; at B = 8 every long symbol is one byte.
  static_assert(c_two.prefix_nbits == c_one.prefix_nbits && c_ones.prefix_nbits == c_dbp.prefix_nbits);
  static_assert(kB != 8 || (dbx_nbits == 8 && index_symbol_nbits == 8));
  static_assert(all_ones == 0);  // the SIMD encoders blend in their zero register
};

}  // namespace ebpc::detail
