// The bit-plane block encoder (docs/stream-format.md "Block transform", "BPC symbols"),
// shared by EBPC's BPC stream and the BPC baseline. Encoder side only: decoders include
// bpc_block_decode.hpp.
#pragma once

#include "codec/bpc_block.hpp"

namespace ebpc::detail {

inline void put_codeword(BitWriter& bw, BpcCodeword c) noexcept { bw.put(c.bits, c.nbits); }

inline void put_zero_run(BitWriter& bw, const BlockShape& s, unsigned run) noexcept {
  if (run == 1) {
    put_codeword(bw, s.zero_code);
  } else if (run > 1) {
    bw.put(s.run_prefix, s.run_prefix_nbits);
    bw.put(run - 2, s.run_len_nbits);
  }
}

// Codes one block of B words given as signed values v[0..B-1] (each within W bits).
inline void encode_block(BitWriter& bw, const BlockShape& s, const std::int64_t* v) noexcept {
  const unsigned w = s.word_nbits;
  const unsigned b = s.block_nwords;
  bw.put(static_cast<std::uint32_t>(static_cast<std::uint64_t>(v[0]) & low_mask64(w)), w);

  // Delta bit-planes: DBP[p] bit (B-1-i) = bit p of d[i] (d[1] is the MSB of the plane).
  std::uint64_t dbp[33] = {};
  const std::uint64_t delta_mask = low_mask64(w + 1);
  if (b == 8) {
    // 8 planes at a time: byte pos of a tile = 8 bits of d[7 - pos] (byte 7, word 0, is 0),
    // transposed to byte k = plane q0 + k.
    std::uint64_t d[8] = {};
    for (unsigned i = 1; i < 8; ++i) {
      d[i] = static_cast<std::uint64_t>(v[i] - v[i - 1]) & delta_mask;
    }
    for (unsigned q0 = 0; q0 <= w; q0 += 8) {
      std::uint64_t tile = 0;
      for (unsigned pos = 0; pos < 7; ++pos) {
        tile |= ((d[7 - pos] >> q0) & 0xff) << (8 * pos);
      }
      tile = transpose8x8(tile);
      for (unsigned k = 0; k < 8 && q0 + k <= w; ++k) {
        dbp[q0 + k] = (tile >> (8 * k)) & 0xff;
      }
    }
  } else {
    for (unsigned i = 1; i < b; ++i) {
      std::uint64_t d = static_cast<std::uint64_t>(v[i] - v[i - 1]) & delta_mask;
      const unsigned pos = b - 1 - i;
      while (d != 0) {
        const auto p = static_cast<unsigned>(__builtin_ctzll(d));
        dbp[p] |= std::uint64_t{1} << pos;
        d &= d - 1;
      }
    }
  }

  unsigned run = 0;
  std::uint64_t prev = 0;
  for (unsigned p = 0; p <= w; ++p) {
    const std::uint64_t plane = dbp[p];
    const std::uint64_t dbx = plane ^ prev;
    prev = plane;
    if (dbx == 0) {
      ++run;
      continue;
    }
    put_zero_run(bw, s, run);
    run = 0;
    put_codeword(bw, bpc_plane_codeword(static_cast<std::uint32_t>(dbx), static_cast<std::uint32_t>(plane), b,
                                        s.index_nbits));
  }
  put_zero_run(bw, s, run);
}

}  // namespace ebpc::detail
