#pragma once

#include <ebpc/ebpc.hpp>

#include "codec/bpc_block.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

inline Result<void> check_params(const EbpcParams& p) noexcept {
  EBPC_CHECK(p.word_nbits >= k_min_word_nbits && p.word_nbits <= k_max_word_nbits, bad_parameter);
  EBPC_CHECK(is_pow2(p.block_nwords) && p.block_nwords >= 2 && p.block_nwords <= 32, bad_parameter);
  EBPC_CHECK(is_pow2(p.max_zero_run_nwords) && p.max_zero_run_nwords >= 2 && p.max_zero_run_nwords <= 256,
             bad_parameter);
  return {};
}

// The parameters the fast bodies (ebpc_encode_body.hpp, ebpc_decode_body.hpp) take:
// B = 8 or 16, W <= 16 (on valid parameters); everything else takes the generic path.
inline bool fast_path_fits(const EbpcParams& p) noexcept {
  return (p.block_nwords == 8 || p.block_nwords == 16) && p.word_nbits <= 16;
}

inline BlockShape ebpc_block_shape(const EbpcParams& p) noexcept {
  return make_block_shape(p.word_nbits, p.block_nwords, ZeroRunCode::ebpc);
}

// Bytes for nbits rounded up to whole W-bit words.
inline std::size_t padded_nbytes(std::uint64_t nbits, unsigned word_nbits) noexcept {
  return static_cast<std::size_t>((round_up(nbits, word_nbits) + 7) / 8);
}

}  // namespace ebpc::detail
