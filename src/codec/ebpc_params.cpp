// EBPC parameters and stream bounds: shared by the encoder and the decoder, so that the
// decoder-only library needs no encoder file.
#include <ebpc/ebpc.hpp>

#include "codec/ebpc_params.hpp"

namespace ebpc {

Result<void> validate(const EbpcParams& params) noexcept { return detail::check_params(params); }

std::size_t ebpc_znz_bound_nbytes(std::size_t nwords, const EbpcParams& params) noexcept {
  // A zero word costs at most 1 + log2(Z) bits (a run of one), a non-zero word 1 bit.
  const std::uint64_t nbits = std::uint64_t{nwords} * (1 + ceil_log2(params.max_zero_run_nwords)) + params.word_nbits;
  return static_cast<std::size_t>(nbits / 8 + 16);
}

std::size_t ebpc_bpc_bound_nbytes(std::size_t nwords, const EbpcParams& params) noexcept {
  const auto shape = detail::ebpc_block_shape(params);
  const std::uint64_t nblocks = (std::uint64_t{nwords} + params.block_nwords - 1) / params.block_nwords;
  const std::uint64_t nbits = nblocks * detail::block_bound_nbits(shape) + params.word_nbits;
  return static_cast<std::size_t>(nbits / 8 + 16);
}

}  // namespace ebpc
