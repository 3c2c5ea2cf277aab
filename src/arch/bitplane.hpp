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
// (The encoder's own kernels are in encode_b8*.hpp; this one builds the decoder kernels'
// test inputs.)
void planes_b8_scalar(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept;

inline void planes_b8(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept {
  planes_b8_scalar(top, nblocks, w, planes);
}

// ---- The inverse (spec "What the decoder needs"), B = 8, W = 2..16.
// recs: k_unplanes_stride bytes per block, byte p = DBP[p] for p = 0..W (7-bit planes; the
// bytes after W are ignored). bases: v[0] of each block (W-bit pattern). out: 8 words per
// block (W-bit patterns). Returns false when some value falls outside W signed bits (the
// sign plane contradicts the others): the stream is corrupt; out is then unspecified.
inline constexpr std::size_t k_unplanes_stride = 48;
bool unplanes_b8_scalar(const std::uint8_t* recs, const std::uint16_t* bases, std::size_t nblocks, unsigned w,
                        std::uint16_t* out) noexcept;
#if EBPC_ARCH_HAVE_SSE2
bool unplanes_b8_sse2(const std::uint8_t* recs, const std::uint16_t* bases, std::size_t nblocks, unsigned w,
                      std::uint16_t* out) noexcept;
#endif

inline bool unplanes_b8(const std::uint8_t* recs, const std::uint16_t* bases, std::size_t nblocks, unsigned w,
                        std::uint16_t* out) noexcept {
#if EBPC_ARCH_HAVE_SSE2
  return unplanes_b8_sse2(recs, bases, nblocks, w, out);
#else
  return unplanes_b8_scalar(recs, bases, nblocks, w, out);
#endif
}

}  // namespace ebpc::arch
