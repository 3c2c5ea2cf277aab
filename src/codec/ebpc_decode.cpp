// EBPC decoder (spec "What the decoder needs"). Trusts nothing in the streams: every
// code is checked, zero runs are bounded by the word count, and the readers' overrun is
// checked once per ZNZ symbol and once per BPC block, so the work is bounded by N.
#include <ebpc/ebpc.hpp>

#include "codec/bpc_block.hpp"
#include "codec/ebpc_params.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc {

namespace {

template <class Word>
Result<EbpcConsumed> decode_impl(std::span<const std::uint8_t> znz_in, std::span<const std::uint8_t> bpc_in,
                                 const EbpcParams& params, std::span<Word> out) noexcept {
  EBPC_TRY(detail::check_params(params));
  const unsigned w = params.word_nbits;
  EBPC_CHECK(w <= sizeof(Word) * 8, bad_parameter);
  const auto shape = detail::ebpc_block_shape(params);
  const unsigned b = params.block_nwords;
  const unsigned z_nbits = ceil_log2(params.max_zero_run_nwords);
  const std::uint64_t word_mask = low_mask64(w);

  BitReader znz(znz_in);
  BitReader bpc(bpc_in);
  std::int64_t block[32];
  unsigned block_pos = b;  // block exhausted
  const std::size_t n = out.size();
  std::size_t i = 0;
  while (i < n) {
    if (znz.get_bit()) {
      if (block_pos == b) {
        const auto decoded = detail::decode_block(bpc, shape, block);
        EBPC_CHECK(!bpc.overrun(), truncated);  // a stream cut short reads as zeros: say so first
        EBPC_TRY(decoded);
        block_pos = 0;
      }
      const auto word = static_cast<Word>(static_cast<std::uint64_t>(block[block_pos++]) & word_mask);
      EBPC_CHECK(word != 0, corrupt);  // ZNZ says non-zero
      out[i++] = word;
    } else {
      const std::size_t run = std::size_t{znz.get(z_nbits)} + 1;
      EBPC_CHECK(!znz.overrun(), truncated);
      EBPC_CHECK(run <= n - i, corrupt);
      for (std::size_t k = 0; k < run; ++k) {
        out[i++] = 0;
      }
    }
    EBPC_CHECK(!znz.overrun(), truncated);
  }
  return EbpcConsumed{znz.consumed_nbits(), bpc.consumed_nbits()};
}

}  // namespace

Result<EbpcConsumed> ebpc_decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out);
}

}  // namespace ebpc
