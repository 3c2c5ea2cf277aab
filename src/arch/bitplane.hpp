// The zero / non-zero split of 64-word groups (used by the ZVC and zero-RLE encoders), with
// its scalar twin (tests/test_arch_bitplane.cpp checks the SSE2 kernel against it on seeded
// random inputs). The EBPC encoder's kernels are in encode_kernels*.hpp, the decoder's in
// unplane_b8*.hpp.
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

// ---- Zero / non-zero split (docs/stream-format.md "ZNZ symbols").
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

}  // namespace ebpc::arch
