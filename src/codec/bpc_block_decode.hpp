// The bit-plane block decoder (docs/stream-format.md "Decoding", "BPC symbols"), shared by
// EBPC's BPC stream and the BPC baseline. Decoder side only: it links without any encoder.
#pragma once

#include "codec/bpc_block.hpp"

namespace ebpc::detail {

// Decodes one block into v[0..B-1] (signed values). Checks the code structure and that
// every value fits W signed bits; the caller checks br.overrun().
inline Result<void> decode_block(BitReader& br, const BlockShape& s, std::int64_t* v) noexcept {
  const unsigned w = s.word_nbits;
  const unsigned b = s.block_nwords;
  const bool ebpc = s.zero_run_code == ZeroRunCode::ebpc;
  v[0] = sign_extend(br.get(w), w);

  std::uint64_t dbp[33];
  std::uint64_t prev = 0;
  unsigned p = 0;
  while (p <= w) {
    // One symbol from a window of at least 33 bits (a '1' + DBX symbol is at most 32 bits,
    // the others at most 5 + 5): the same bits as get() one field at a time.
    const std::uint64_t x = br.window(33);
    const auto head = static_cast<std::uint32_t>(x >> 59);
    std::uint64_t plane;
    unsigned nplanes = 1;
    if (head & 0b10000) {  // '1' + DBX
      br.skip(b);
      plane = prev ^ ((x >> (64 - b)) & s.dbx_mask);
    } else if ((head >> 3) == 0b01) {  // '01'
      plane = prev;
      if (ebpc) {
        br.skip(2);
      } else {
        nplanes = static_cast<unsigned>((x << 2) >> (64 - s.run_len_nbits)) + 2;
        br.skip(2 + s.run_len_nbits);
      }
    } else if ((head >> 2) == 0b001) {  // '001'
      plane = prev;
      if (ebpc) {
        nplanes = static_cast<unsigned>((x << 3) >> (64 - s.run_len_nbits)) + 2;
        br.skip(3 + s.run_len_nbits);
      } else {
        br.skip(3);
      }
    } else {
      switch (head) {
        case 0b00000: br.skip(5); plane = prev ^ s.dbx_mask; break;
        case 0b00001: br.skip(5); plane = 0; break;
        case 0b00010: {
          const auto idx = static_cast<std::uint32_t>((x << 5) >> (64 - s.index_nbits));
          br.skip(5 + s.index_nbits);
          EBPC_CHECK(idx + 3 <= b, corrupt);
          plane = prev ^ (std::uint64_t{0b11} << (b - 3 - idx));
          break;
        }
        default: {  // 0b00011
          const auto idx = static_cast<std::uint32_t>((x << 5) >> (64 - s.index_nbits));
          br.skip(5 + s.index_nbits);
          EBPC_CHECK(idx + 2 <= b, corrupt);
          plane = prev ^ (std::uint64_t{1} << (b - 2 - idx));
          break;
        }
      }
    }
    EBPC_CHECK(p + nplanes <= w + 1, corrupt);
    for (unsigned k = 0; k < nplanes; ++k) {
      dbp[p++] = plane;
    }
    prev = plane;
  }

  // Transpose back: d[i] bit p = DBP[p] bit (B-1-i); deltas are (W+1)-bit two's complement.
  // B = 8: col[j] = bit j of every plane, 8 planes at a time through one 8 x 8 transpose.
  std::uint64_t col[8] = {};
  if (b == 8) {
    for (unsigned q0 = 0; q0 <= w; q0 += 8) {
      std::uint64_t tile = 0;
      for (unsigned k = 0; k < 8 && q0 + k <= w; ++k) {
        tile |= (dbp[q0 + k] & 0xff) << (8 * k);
      }
      tile = transpose8x8(tile);
      for (unsigned j = 0; j < 8; ++j) {
        col[j] |= ((tile >> (8 * j)) & 0xff) << q0;
      }
    }
  }
  const std::int64_t lo = -(std::int64_t{1} << (w - 1));
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  for (unsigned i = 1; i < b; ++i) {
    const unsigned pos = b - 1 - i;
    std::uint64_t d = 0;
    if (b == 8) {
      d = col[pos];
    } else {
      for (unsigned q = 0; q <= w; ++q) {
        d |= ((dbp[q] >> pos) & 1u) << q;
      }
    }
    const std::int64_t value = v[i - 1] + sign_extend(d, w + 1);
    EBPC_CHECK(value >= lo && value <= hi, corrupt);
    v[i] = value;
  }
  return {};
}

}  // namespace ebpc::detail
