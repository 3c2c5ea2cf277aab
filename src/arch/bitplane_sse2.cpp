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

}  // namespace ebpc::arch

#endif  // EBPC_ARCH_HAVE_SSE2
