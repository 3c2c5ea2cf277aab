// Scalar twin of the zero / non-zero split: written for clarity.
#include "arch/bitplane.hpp"

namespace ebpc::arch {

namespace {

template <class Word>
std::uint64_t nonzero_masks_generic(const Word* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  std::uint64_t all = 0;
  for (std::size_t g = 0; g < ngroups; ++g) {
    std::uint64_t m = 0;
    for (unsigned j = 0; j < 64; ++j) {
      const Word word = words[64 * g + j];
      all |= word;
      m |= std::uint64_t{word != 0} << j;
    }
    masks[g] = m;
  }
  return all;
}

}  // namespace

std::uint64_t nonzero_masks_scalar(const std::uint8_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  return nonzero_masks_generic(words, ngroups, masks);
}
std::uint64_t nonzero_masks_scalar(const std::uint16_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  return nonzero_masks_generic(words, ngroups, masks);
}
std::uint64_t nonzero_masks_scalar(const std::uint32_t* words, std::size_t ngroups, std::uint64_t* masks) noexcept {
  return nonzero_masks_generic(words, ngroups, masks);
}

}  // namespace ebpc::arch
