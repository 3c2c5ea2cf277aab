// SSE2 kernels (x86-64 baseline). Twins: bitplane_scalar.cpp.
#include "arch/bitplane.hpp"

#if EBPC_ARCH_HAVE_SSE2

#include <emmintrin.h>

#include <cstring>

namespace ebpc::arch {

namespace {

inline __m128i load128(const void* p) noexcept { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

inline std::uint64_t movemask16(__m128i x) noexcept {
  return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x)));
}

// Bytes != 0 of 64 bytes -> 64-bit mask.
inline std::uint64_t nz64_u8(const std::uint8_t* p, __m128i& all) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i a = load128(p);
  const __m128i b = load128(p + 16);
  const __m128i c = load128(p + 32);
  const __m128i d = load128(p + 48);
  all = _mm_or_si128(all, _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
  const std::uint64_t za = movemask16(_mm_cmpeq_epi8(a, zero));
  const std::uint64_t zb = movemask16(_mm_cmpeq_epi8(b, zero));
  const std::uint64_t zc = movemask16(_mm_cmpeq_epi8(c, zero));
  const std::uint64_t zd = movemask16(_mm_cmpeq_epi8(d, zero));
  return ~(za | zb << 16 | zc << 32 | zd << 48);
}

// Words != 0 of 16 uint16 -> 16-bit mask.
inline std::uint64_t nz16_u16(const std::uint16_t* p, __m128i& all) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i a = load128(p);
  const __m128i b = load128(p + 8);
  all = _mm_or_si128(all, _mm_or_si128(a, b));
  const __m128i za = _mm_cmpeq_epi16(a, zero);
  const __m128i zb = _mm_cmpeq_epi16(b, zero);
  return movemask16(_mm_packs_epi16(za, zb));
}

// Words != 0 of 16 uint32 -> 16-bit mask.
inline std::uint64_t nz16_u32(const std::uint32_t* p, __m128i& all) noexcept {
  const __m128i zero = _mm_setzero_si128();
  const __m128i a = load128(p);
  const __m128i b = load128(p + 4);
  const __m128i c = load128(p + 8);
  const __m128i d = load128(p + 12);
  all = _mm_or_si128(all, _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
  const __m128i ab = _mm_packs_epi32(_mm_cmpeq_epi32(a, zero), _mm_cmpeq_epi32(b, zero));
  const __m128i cd = _mm_packs_epi32(_mm_cmpeq_epi32(c, zero), _mm_cmpeq_epi32(d, zero));
  return movemask16(_mm_packs_epi16(ab, cd));
}

std::uint64_t or_lanes(__m128i all) noexcept {
  std::uint64_t parts[2];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(parts), all);
  return parts[0] | parts[1];
}

}  // namespace

std::uint64_t nonzero_masks_sse2(const std::uint8_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  __m128i all = _mm_setzero_si128();
  for (std::size_t g = 0; g < ngroups; ++g) {
    masks[g] = nz64_u8(words + 64 * g, all);
  }
  const std::uint64_t o = or_lanes(all);
  // Fold the bytes onto one (the caller only asks for bits above W within a word).
  std::uint64_t r = o | o >> 32;
  r |= r >> 16;
  r |= r >> 8;
  return r & 0xff;
}

std::uint64_t nonzero_masks_sse2(const std::uint16_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  __m128i all = _mm_setzero_si128();
  for (std::size_t g = 0; g < ngroups; ++g) {
    const std::uint16_t* p = words + 64 * g;
    const std::uint64_t z = nz16_u16(p, all) | nz16_u16(p + 16, all) << 16 | nz16_u16(p + 32, all) << 32 |
                            nz16_u16(p + 48, all) << 48;
    masks[g] = ~z;
  }
  const std::uint64_t o = or_lanes(all);
  std::uint64_t r = o | o >> 32;
  r |= r >> 16;
  return r & 0xffff;
}

std::uint64_t nonzero_masks_sse2(const std::uint32_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  __m128i all = _mm_setzero_si128();
  for (std::size_t g = 0; g < ngroups; ++g) {
    const std::uint32_t* p = words + 64 * g;
    const std::uint64_t z = nz16_u32(p, all) | nz16_u32(p + 16, all) << 16 | nz16_u32(p + 32, all) << 32 |
                            nz16_u32(p + 48, all) << 48;
    masks[g] = ~z;
  }
  const std::uint64_t o = or_lanes(all);
  return (o | o >> 32) & 0xffffffffu;
}

namespace {

// Lanes of a block, reversed (lane j = v'[7-j]), its deltas (lane j = d'[7-j], top-aligned,
// wrapped to 16 bits) and the sign lanes (all ones where d[7-j] < 0).
struct BlockDeltas {
  __m128i d;
  __m128i sign;
};

inline BlockDeltas block_deltas(const std::uint16_t* top) noexcept {
  __m128i r = load128(top);
  r = _mm_shuffle_epi32(r, 0x4E);
  r = _mm_shufflelo_epi16(r, 0x1B);
  r = _mm_shufflehi_epi16(r, 0x1B);
  // lane j = v'[6-j]; lane 7 = v'[0] itself, so that its delta and sign are 0.
  const __m128i prev = _mm_or_si128(_mm_srli_si128(r, 2), _mm_and_si128(r, _mm_set_epi16(-1, 0, 0, 0, 0, 0, 0, 0)));
  return {_mm_sub_epi16(r, prev), _mm_cmpgt_epi16(prev, r)};
}

}  // namespace

void planes_b8_sse2(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept {
  const std::size_t stride = w + 1;
  std::size_t blk = 0;
  for (; blk + 2 <= nblocks; blk += 2) {
    const BlockDeltas a = block_deltas(top + 8 * blk);
    const BlockDeltas b = block_deltas(top + 8 * blk + 8);
    std::uint8_t* pa = planes + blk * stride;
    std::uint8_t* pb = pa + stride;
    const unsigned s = static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(a.sign, b.sign)));
    pa[w] = static_cast<std::uint8_t>(s);
    pb[w] = static_cast<std::uint8_t>(s >> 8);
    __m128i xa = a.d;
    __m128i xb = b.d;
    // Bit W-1 of the deltas sits in the sign bit of the lanes; shift the lower ones up.
    for (unsigned p = w; p-- > 0;) {
      const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(xa, xb)));
      pa[p] = static_cast<std::uint8_t>(m);
      pb[p] = static_cast<std::uint8_t>(m >> 8);
      xa = _mm_add_epi16(xa, xa);
      xb = _mm_add_epi16(xb, xb);
    }
  }
  if (blk < nblocks) {
    const BlockDeltas a = block_deltas(top + 8 * blk);
    std::uint8_t* pa = planes + blk * stride;
    pa[w] = static_cast<std::uint8_t>(_mm_movemask_epi8(_mm_packs_epi16(a.sign, a.sign)));
    __m128i xa = a.d;
    for (unsigned p = w; p-- > 0;) {
      pa[p] = static_cast<std::uint8_t>(_mm_movemask_epi8(_mm_packs_epi16(xa, xa)));
      xa = _mm_add_epi16(xa, xa);
    }
  }
}

void dbx_b8_sse2(const std::uint8_t* planes, std::size_t nblocks, unsigned w, std::uint8_t* recs) noexcept {
  const std::size_t stride = w + 1;
  const std::uint32_t keep = w >= 15 ? 0xffffu : (1u << (w + 1)) - 1;
  const __m128i zero = _mm_setzero_si128();
  const __m128i top_bit = _mm_set1_epi8(static_cast<char>(0x80));
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    const std::uint8_t* plane = planes + blk * stride;
    std::uint8_t* rec = recs + blk * k_dbx_stride;
    const __m128i cur = load128(plane);  // planes 0..15 (bytes past W unspecified)
    const __m128i dbx = _mm_xor_si128(cur, _mm_slli_si128(cur, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rec),
                     _mm_or_si128(dbx, _mm_and_si128(_mm_cmpeq_epi8(cur, zero), top_bit)));
    std::uint32_t nonzero = ~static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(dbx, zero))) & keep;
    if (w == 16) {
      const unsigned d16 = plane[16] ^ plane[15];
      rec[16] = static_cast<std::uint8_t>(d16 | (plane[16] == 0 ? 0x80u : 0u));
      nonzero |= std::uint32_t{d16 != 0} << 16;
    }
    std::memcpy(rec + k_dbx_mask_at, &nonzero, 4);
  }
}

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_SSE2
