// SSE2 kernels (x86-64 baseline). Twins: bitplane_scalar.cpp.
#include "arch/bitplane.hpp"

#if EBPC_ARCH_HAVE_SSE2

#include <emmintrin.h>

#include <cstring>

#include "arch/nonzero_sse2.hpp"

namespace ebpc::arch {

using sse2::load128;
using sse2::nz16_u16;
using sse2::nz16_u32;
using sse2::nz64_u8;
using sse2::or_lanes;

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

// 8x8 bit-matrix transpose: bit 8r + c -> bit 8c + r (Hacker's Delight, transpose8).
inline std::uint64_t transpose8x8(std::uint64_t x) noexcept {
  std::uint64_t t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
  x = x ^ t ^ (t << 28);
  return x;
}

inline std::uint64_t load_u64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// rev8[x]: x with its 8 bits reversed.
struct Rev8 {
  std::uint8_t t[256];
  constexpr Rev8() : t() {
    for (unsigned x = 0; x < 256; ++x) {
      unsigned r = 0;
      for (unsigned i = 0; i < 8; ++i) {
        r |= ((x >> i) & 1u) << (7 - i);
      }
      t[x] = static_cast<std::uint8_t>(r);
    }
  }
};
constexpr Rev8 k_rev8{};

}  // namespace

bool unplanes_b8_sse2(const std::uint8_t* recs, const std::uint16_t* bases, std::size_t nblocks, unsigned w,
                      std::uint16_t* out) noexcept {
  const unsigned lo_planes = w < 8 ? w : 8;
  const unsigned hi_planes = w - lo_planes;
  const std::uint64_t lo_keep = (lo_planes == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * lo_planes)) - 1) &
                                0x7F7F7F7F7F7F7F7Full;
  const std::uint64_t hi_keep = (hi_planes == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * hi_planes)) - 1) &
                                0x7F7F7F7F7F7F7F7Full;
  const __m128i up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
  unsigned bad = 0;
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    const std::uint8_t* rec = recs + blk * k_unplanes_stride;
    // Byte j of the transposes: bits of d[7-j] (planes 0..7, and 8..15); bswap puts d[k] in byte k.
    const std::uint64_t lo = __builtin_bswap64(transpose8x8(load_u64(rec) & lo_keep));
    const std::uint64_t hi = hi_planes != 0 ? __builtin_bswap64(transpose8x8(load_u64(rec + 8) & hi_keep)) : 0;
    __m128i x = _mm_unpacklo_epi8(_mm_cvtsi64_si128(static_cast<long long>(lo)),
                                  _mm_cvtsi64_si128(static_cast<long long>(hi)));
    x = _mm_insert_epi16(x, bases[blk], 0);  // lane 0 (d[0] slot, empty) = base
    x = _mm_sll_epi16(x, up);                // W-bit fields at the top: wrapping sums are mod 2^W
    x = _mm_add_epi16(x, _mm_slli_si128(x, 2));
    x = _mm_add_epi16(x, _mm_slli_si128(x, 4));
    x = _mm_add_epi16(x, _mm_slli_si128(x, 8));
    // Range check: the sign plane must say v[k] < v[k-1] exactly where it holds.
    const __m128i lt = _mm_cmpgt_epi16(_mm_slli_si128(x, 2), x);
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(lt, lt))) & 0xFEu;
    bad |= m ^ k_rev8.t[rec[w] & 0x7F];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 8 * blk), _mm_srl_epi16(x, up));
  }
  return bad == 0;
}

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_SSE2
