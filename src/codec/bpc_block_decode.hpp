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
  v[0] = sign_extend(br.get(w), w);

  std::uint64_t dbp[33];
  std::uint64_t prev = 0;
  unsigned p = 0;
  while (p <= w) {
    // One symbol from a window of at least 33 bits (a '1' + DBX symbol is at most 32 bits,
    // the others at most 5 + 5): the same bits as get() one field at a time.
    const std::uint64_t x = br.window(33);
    if ((x >> (64 - k_bpc_dbx.prefix_nbits)) == k_bpc_dbx.prefix) {  // '1' + DBX: most symbols of the low planes
      br.skip(k_bpc_dbx.prefix_nbits + b - 1);
      prev ^= (x << k_bpc_dbx.prefix_nbits) >> (65 - b);
      dbp[p++] = prev;  // p <= W here
      continue;
    }
    const BlockHead h = s.head[x >> (64 - k_bpc_head_nbits)];
    // The field: the bits after the prefix (none when field_nbits is 0: two shifts, no branch).
    const auto field = static_cast<std::uint32_t>(((x << h.prefix_nbits) >> 1) >> (63 - h.field_nbits));
    br.skip(h.prefix_nbits + h.field_nbits);
    const BpcPlanes got = bpc_planes_of(h.symbol, field, static_cast<std::uint32_t>(prev), b);
    EBPC_CHECK(got.ok, corrupt);
    const std::uint64_t plane = got.plane;
    const unsigned nplanes = got.nplanes;
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
