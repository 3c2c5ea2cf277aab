// SIMD kernels of the EBPC hot loops, each with a scalar twin that states what it computes
// (house style: src/arch/ holds the kernels; tests/test_arch_bitplane.cpp checks every
// kernel against its twin on seeded random inputs).
//
// SSE2 is part of the x86-64 baseline, so the SSE2 kernels are chosen at compile time
// (no runtime dispatch is needed); other targets get the scalar twins.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#define EBPC_ARCH_HAVE_SSE2 1
#endif

namespace ebpc::arch {

// ---- Zero / non-zero split (spec "Stream 1").
// For ngroups groups of 64 words: masks[g] bit j = (words[64 g + j] != 0). Returns the OR
// of all the words (the encoder checks it for bits above W).
std::uint64_t nonzero_masks_scalar(const std::uint8_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept;
std::uint64_t nonzero_masks_scalar(const std::uint16_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept;
std::uint64_t nonzero_masks_scalar(const std::uint32_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept;
#if EBPC_ARCH_HAVE_SSE2
std::uint64_t nonzero_masks_sse2(const std::uint8_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept;
std::uint64_t nonzero_masks_sse2(const std::uint16_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept;
std::uint64_t nonzero_masks_sse2(const std::uint32_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept;
#endif

template <class Word>
inline std::uint64_t nonzero_masks(const Word* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
#if EBPC_ARCH_HAVE_SSE2
  return nonzero_masks_sse2(words, ngroups, masks);
#else
  return nonzero_masks_scalar(words, ngroups, masks);
#endif
}

// ---- Delta bit-planes of blocks of B = 8 words, W = 2..16 (spec "Stream 2", steps 2-3).
// top: 8 words per block, each a W-bit pattern shifted to the top of 16 bits (word << (16 - W)).
// planes: W + 1 bytes per block; byte p = DBP[p], the 7-bit plane of bit p of the (W+1)-bit
// deltas d[1..7], d[1] in bit 6.
void planes_b8_scalar(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept;
#if EBPC_ARCH_HAVE_SSE2
void planes_b8_sse2(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept;
#endif

inline void planes_b8(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept {
#if EBPC_ARCH_HAVE_SSE2
  planes_b8_sse2(top, nblocks, w, planes);
#else
  planes_b8_scalar(top, nblocks, w, planes);
#endif
}

// ---- Symbol classification input (spec "Stream 2", steps 4-5), B = 8, W = 2..16.
// planes: as planes_b8 writes them (W + 1 bytes per block), readable 16 bytes past the
// last block's. recs: k_dbx_stride bytes per block: byte p (p = 0..W) = DBX[p] | 0x80 when
// DBP[p] == 0; the uint32 at byte k_dbx_mask_at = the set of p with DBX[p] != 0. Other
// bytes are unspecified.
inline constexpr std::size_t k_dbx_stride = 32;
inline constexpr std::size_t k_dbx_mask_at = 24;
void dbx_b8_scalar(const std::uint8_t* planes, std::size_t nblocks, unsigned w, std::uint8_t* recs) noexcept;
#if EBPC_ARCH_HAVE_SSE2
void dbx_b8_sse2(const std::uint8_t* planes, std::size_t nblocks, unsigned w, std::uint8_t* recs) noexcept;
#endif

inline void dbx_b8(const std::uint8_t* planes, std::size_t nblocks, unsigned w, std::uint8_t* recs) noexcept {
#if EBPC_ARCH_HAVE_SSE2
  dbx_b8_sse2(planes, nblocks, w, recs);
#else
  dbx_b8_scalar(planes, nblocks, w, recs);
#endif
}

}  // namespace ebpc::arch
