// Scalar twins of the bit-plane kernels: written for clarity, straight from the spec.
#include "arch/bitplane.hpp"

#include <cstring>

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

std::int64_t signed_of(std::uint64_t pattern, unsigned w) noexcept {
  const unsigned shift = 64 - w;
  return static_cast<std::int64_t>(pattern << shift) >> shift;
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

void planes_b8_scalar(const std::uint16_t* top, std::size_t nblocks, unsigned w, std::uint8_t* planes) noexcept {
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    std::int64_t v[8];
    for (unsigned k = 0; k < 8; ++k) {
      v[k] = signed_of(top[8 * blk + k] >> (16 - w), w);
    }
    std::uint8_t* out = planes + blk * (w + 1);
    for (unsigned p = 0; p <= w; ++p) {
      unsigned plane = 0;
      for (unsigned i = 1; i < 8; ++i) {
        const auto d = static_cast<std::uint64_t>(v[i] - v[i - 1]);  // exact, W+1 bits
        plane |= static_cast<unsigned>((d >> p) & 1u) << (7 - i);
      }
      out[p] = static_cast<std::uint8_t>(plane);
    }
  }
}

void dbx_b8_scalar(const std::uint8_t* planes, std::size_t nblocks, unsigned w, std::uint8_t* recs) noexcept {
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    const std::uint8_t* plane = planes + blk * (w + 1);
    std::uint8_t* rec = recs + blk * k_dbx_stride;
    std::uint32_t nonzero = 0;
    unsigned prev = 0;
    for (unsigned p = 0; p <= w; ++p) {
      const unsigned dbx = plane[p] ^ prev;
      prev = plane[p];
      rec[p] = static_cast<std::uint8_t>(dbx | (plane[p] == 0 ? 0x80u : 0u));
      nonzero |= std::uint32_t{dbx != 0} << p;
    }
    std::memcpy(rec + k_dbx_mask_at, &nonzero, 4);
  }
}

}  // namespace ebpc::arch
