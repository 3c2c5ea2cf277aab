// The bit-plane block coder shared by EBPC's BPC stream and the BPC baseline (Kim et al.):
// base + delta bit-planes + XOR planes (spec "Stream 2: BPC", steps 1-5). The two differ
// only in the codes for runs of all-zero DBX planes.
#pragma once

#include <cstdint>

#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

enum class ZeroRunCode : std::uint8_t {
  ebpc,  // single all-zero DBX: 01, run r >= 2: 001 + (r-2)
  kim,   // single all-zero DBX: 001, run r >= 2: 01 + (r-2)   (ISCA 2016 table)
};

struct BlockShape {
  unsigned word_nbits;        // W
  unsigned block_nwords;      // B
  unsigned run_len_nbits;     // ceil(log2(W))
  unsigned index_nbits;       // ceil(log2(B))
  std::uint64_t dbx_mask;     // B-1 ones
  ZeroRunCode zero_run_code;
};

inline BlockShape make_block_shape(unsigned w, unsigned b, ZeroRunCode code) noexcept {
  return BlockShape{w, b, ceil_log2(w), ceil_log2(b), low_mask64(b - 1), code};
}

// Worst-case coded bits of one block.
inline std::uint64_t block_bound_nbits(const BlockShape& s) noexcept {
  std::uint64_t per_plane = s.block_nwords;  // '1' + B-1 bits
  per_plane = per_plane > 5 + s.index_nbits ? per_plane : 5 + s.index_nbits;
  per_plane = per_plane > 3 + s.run_len_nbits ? per_plane : 3 + s.run_len_nbits;
  return s.word_nbits + std::uint64_t{s.word_nbits + 1} * per_plane;
}

inline void put_zero_run(BitWriter& bw, const BlockShape& s, unsigned run) noexcept {
  if (run == 0) {
    return;
  }
  const bool ebpc = s.zero_run_code == ZeroRunCode::ebpc;
  if (run == 1) {
    if (ebpc) {
      bw.put(0b01, 2);
    } else {
      bw.put(0b001, 3);
    }
  } else {
    if (ebpc) {
      bw.put(0b001, 3);
    } else {
      bw.put(0b01, 2);
    }
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
  for (unsigned i = 1; i < b; ++i) {
    std::uint64_t d = static_cast<std::uint64_t>(v[i] - v[i - 1]) & delta_mask;
    const unsigned pos = b - 1 - i;
    while (d != 0) {
      const auto p = static_cast<unsigned>(__builtin_ctzll(d));
      dbp[p] |= std::uint64_t{1} << pos;
      d &= d - 1;
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
    if (dbx == s.dbx_mask) {
      bw.put(0b00000, 5);
    } else if (plane == 0) {
      bw.put(0b00001, 5);
    } else {
      const int ones = __builtin_popcountll(dbx);
      const auto low = static_cast<unsigned>(__builtin_ctzll(dbx));
      if (ones == 2 && (dbx >> low) == 0b11) {
        // Index of the first (more significant) one, counted from the plane's MSB.
        bw.put(0b00010, 5);
        bw.put(b - 3 - low, s.index_nbits);
      } else if (ones == 1) {
        bw.put(0b00011, 5);
        bw.put(b - 2 - low, s.index_nbits);
      } else {
        bw.put(1, 1);
        bw.put(static_cast<std::uint32_t>(dbx), b - 1);
      }
    }
  }
  put_zero_run(bw, s, run);
}

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
    const std::uint32_t head = br.peek(5);
    std::uint64_t plane;
    unsigned nplanes = 1;
    if (head & 0b10000) {  // '1' + DBX
      br.skip(1);
      plane = prev ^ br.get(b - 1);
    } else if ((head >> 3) == 0b01) {  // '01'
      br.skip(2);
      if (ebpc) {
        plane = prev;
      } else {
        nplanes = br.get(s.run_len_nbits) + 2;
        plane = prev;
      }
    } else if ((head >> 2) == 0b001) {  // '001'
      br.skip(3);
      plane = prev;
      if (ebpc) {
        nplanes = br.get(s.run_len_nbits) + 2;
      }
    } else {
      br.skip(5);
      switch (head) {
        case 0b00000: plane = prev ^ s.dbx_mask; break;
        case 0b00001: plane = 0; break;
        case 0b00010: {
          const std::uint32_t idx = br.get(s.index_nbits);
          EBPC_CHECK(idx + 3 <= b, corrupt);
          plane = prev ^ (std::uint64_t{0b11} << (b - 3 - idx));
          break;
        }
        default: {  // 0b00011
          const std::uint32_t idx = br.get(s.index_nbits);
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
  const std::int64_t lo = -(std::int64_t{1} << (w - 1));
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  for (unsigned i = 1; i < b; ++i) {
    const unsigned pos = b - 1 - i;
    std::uint64_t d = 0;
    for (unsigned q = 0; q <= w; ++q) {
      d |= ((dbp[q] >> pos) & 1u) << q;
    }
    const std::int64_t value = v[i - 1] + sign_extend(d, w + 1);
    EBPC_CHECK(value >= lo && value <= hi, corrupt);
    v[i] = value;
  }
  return {};
}

}  // namespace ebpc::detail
