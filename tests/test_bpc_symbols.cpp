// The BPC codebook (src/codec/bpc_symbols.hpp) against docs/stream-format.md "BPC symbols",
// and its classification against its own parsing: every plane's codeword read back gives
// the plane's DBX, for B = 4, 8, 16 and 32.
#include <gtest/gtest.h>

#include <cstdint>

#include "codec/bpc_symbols.hpp"

namespace {

using namespace ebpc::detail;

struct Row {
  BpcSymbol symbol;
  unsigned prefix;
  unsigned prefix_nbits;
  BpcField field;
};

// docs/stream-format.md "BPC symbols", the EBPC codes.
constexpr Row k_doc_table[] = {
    {BpcSymbol::zero, 0b01, 2, BpcField::none},       {BpcSymbol::zero_run, 0b001, 3, BpcField::run},
    {BpcSymbol::all_ones, 0b00000, 5, BpcField::none}, {BpcSymbol::zero_dbp, 0b00001, 5, BpcField::none},
    {BpcSymbol::two_ones, 0b00010, 5, BpcField::index}, {BpcSymbol::one_one, 0b00011, 5, BpcField::index},
    {BpcSymbol::dbx, 0b1, 1, BpcField::dbx},
};

TEST(BpcSymbols, CodebookIsTheDocumentedTable) {
  for (const Row& r : k_doc_table) {
    const auto c = bpc_code(ZeroRunCode::ebpc, r.symbol);
    EXPECT_EQ(c.prefix, r.prefix) << static_cast<int>(r.symbol);
    EXPECT_EQ(c.prefix_nbits, r.prefix_nbits) << static_cast<int>(r.symbol);
    EXPECT_EQ(c.field, r.field) << static_cast<int>(r.symbol);
  }
  // The BPC baseline (Kim et al.) swaps the two zero-DBX codes.
  EXPECT_EQ(bpc_code(ZeroRunCode::kim, BpcSymbol::zero).prefix, 0b001u);
  EXPECT_EQ(bpc_code(ZeroRunCode::kim, BpcSymbol::zero).prefix_nbits, 3u);
  EXPECT_EQ(bpc_code(ZeroRunCode::kim, BpcSymbol::zero_run).prefix, 0b01u);
  EXPECT_EQ(bpc_code(ZeroRunCode::kim, BpcSymbol::zero_run).prefix_nbits, 2u);
}

TEST(BpcSymbols, EveryHeadNamesTheSymbolWhosePrefixItStartsWith) {
  for (unsigned z = 0; z < 2; ++z) {
    const auto zrc = static_cast<ZeroRunCode>(z);
    for (unsigned head = 0; head < 32; ++head) {
      const auto c = bpc_code_at(zrc, head);
      EXPECT_EQ(head >> (5 - c.prefix_nbits), c.prefix) << z << " " << head;
    }
  }
}

// Reads a codeword back the way a decoder does: the symbol from its first 5 bits, then the field.
std::uint32_t parse_dbx(std::uint32_t bits, unsigned nbits, unsigned b, unsigned lb, bool* zero_dbp) {
  const std::uint64_t x = std::uint64_t{bits} << (64 - nbits);  // left-aligned, zeros after
  const auto c = bpc_code_at(ZeroRunCode::ebpc, static_cast<unsigned>(x >> 59));
  const unsigned fn = bpc_field_nbits(c.field, b, 0, lb);
  EXPECT_EQ(c.prefix_nbits + fn, nbits);
  const auto field = fn == 0 ? 0u : static_cast<std::uint32_t>((x << c.prefix_nbits) >> (64 - fn));
  *zero_dbp = c.symbol == BpcSymbol::zero_dbp;
  if (c.symbol == BpcSymbol::dbx) {
    return field;
  }
  const auto d = bpc_index_dbx(c.symbol, field, b);
  EXPECT_TRUE(d.ok);
  return d.dbx;
}

TEST(BpcSymbols, EveryPlaneCodewordParsesBackToItsDbx) {
  for (const unsigned lb : {2u, 3u, 4u, 5u}) {
    const unsigned b = 1u << lb;
    const std::uint32_t n = b == 32 ? (1u << 15) : (1u << (b - 1));  // B = 32: the low 15 bits
    for (std::uint32_t dbx = 1; dbx < n; ++dbx) {
      bool zero_dbp = false;
      const auto cw = bpc_plane_codeword(dbx, dbx, b, lb);
      // The written-out rules give the codebook's codeword of bpc_classify's symbol.
      const auto ps = bpc_classify(dbx, dbx, b);
      const auto ref = bpc_codeword(ZeroRunCode::ebpc, ps.symbol, ps.field,
                                    bpc_field_nbits(bpc_code(ZeroRunCode::ebpc, ps.symbol).field, b, 0, lb));
      ASSERT_EQ(cw.bits, ref.bits) << b << " " << dbx;
      ASSERT_EQ(cw.nbits, ref.nbits) << b << " " << dbx;
      ASSERT_EQ(parse_dbx(cw.bits, cw.nbits, b, lb, &zero_dbp), dbx) << b << " " << dbx;
      ASSERT_FALSE(zero_dbp);
      // The same DBX over an all-zero plane is '00001' unless it is all ones.
      const auto z = bpc_plane_codeword(dbx, 0, b, lb);
      const bool all_ones = dbx == (1u << (b - 1)) - 1;
      (void)parse_dbx(z.bits, z.nbits, b, lb, &zero_dbp);
      EXPECT_EQ(zero_dbp, !all_ones) << b << " " << dbx;
      EXPECT_EQ(bpc_classify(dbx, 0, b).symbol == BpcSymbol::zero_dbp, !all_ones);
    }
  }
}

TEST(BpcSymbols, IndexOutOfRangeIsRefused) {
  for (const unsigned b : {4u, 8u, 16u, 32u}) {
    EXPECT_TRUE(bpc_index_dbx(BpcSymbol::two_ones, b - 3, b).ok);
    EXPECT_FALSE(bpc_index_dbx(BpcSymbol::two_ones, b - 2, b).ok);
    EXPECT_TRUE(bpc_index_dbx(BpcSymbol::one_one, b - 2, b).ok);
    EXPECT_FALSE(bpc_index_dbx(BpcSymbol::one_one, b - 1, b).ok);
  }
}

TEST(BpcSymbols, ZeroRunCodes) {
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::ebpc, 1, 3).bits, 0b01u);
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::ebpc, 1, 3).nbits, 2u);
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::ebpc, 9, 3).bits, 0b001111u);  // 001 + (9-2) in 3 bits
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::ebpc, 9, 3).nbits, 6u);
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::kim, 1, 4).bits, 0b001u);
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::kim, 2, 4).bits, 0b010000u);  // 01 + 0 in 4 bits
  EXPECT_EQ(bpc_zero_run_codeword(ZeroRunCode::kim, 2, 4).nbits, 6u);
}

}  // namespace
