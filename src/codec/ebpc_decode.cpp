// EBPC decoder (docs/stream-format.md "Decoding"; its errors: "What a decoder rejects").
// Trusts nothing in the streams: every code is checked, zero runs are bounded by the word
// count, and the readers' overrun is checked once per ZNZ symbol and once per BPC block, so
// the work is bounded by N.
// Two paths: decode_generic (any W, B; the plain one) and, for B = 8 or 16, W <= 16, the one
// fast body compiled per ISA (ebpc_decode_body.hpp: ebpc_decode_avx2.cpp,
// ebpc_decode_baseline.cpp), which reads the same bits and reports the same errors.
#include <ebpc/ebpc.hpp>

#include <algorithm>
#include <bit>
#include <cstring>

#include "arch/cpu.hpp"
#include "codec/bpc_block_decode.hpp"
#include "codec/ebpc_decode_fast.hpp"
#include "codec/ebpc_params.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc {

namespace {

// ---- Generic path: any W and B, one ZNZ symbol at a time.
template <class Word>
Result<EbpcConsumed> decode_generic(std::span<const std::uint8_t> znz_in, std::span<const std::uint8_t> bpc_in,
                                    const EbpcParams& params, std::span<Word> out) noexcept {
  const unsigned w = params.word_nbits;
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


// allow_avx2 = false: the baseline path whatever the CPU (detail::ebpc_decode_baseline, for tests).
template <class Word>
Result<EbpcConsumed> decode_impl(std::span<const std::uint8_t> znz_in, std::span<const std::uint8_t> bpc_in,
                                 const EbpcParams& params, std::span<Word> out, bool allow_avx2 = true) noexcept {
  EBPC_TRY(detail::check_params(params));
  EBPC_CHECK(params.word_nbits <= sizeof(Word) * 8, bad_parameter);
  if (detail::fast_path_fits(params)) {
    // The one B = 8 / B = 16 body, compiled per ISA (ebpc_decode_body.hpp).
#if EBPC_ARCH_HAVE_AVX2
    if (allow_avx2 && arch::use_avx2()) {
      return detail::decode_avx2::decode(znz_in, bpc_in, params, out);
    }
#else
    (void)allow_avx2;
#endif
    return detail::decode_baseline::decode(znz_in, bpc_in, params, out);
  }
  return decode_generic(znz_in, bpc_in, params, out);
}

}  // namespace

namespace detail {
Result<EbpcConsumed> ebpc_decode_generic(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                         const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  EBPC_TRY(check_params(params));
  EBPC_CHECK(params.word_nbits <= 8, bad_parameter);
  return decode_generic(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_generic(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                         const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  EBPC_TRY(check_params(params));
  EBPC_CHECK(params.word_nbits <= 16, bad_parameter);
  return decode_generic(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_generic(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                         const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  EBPC_TRY(check_params(params));
  return decode_generic(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out, false);
}
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out, false);
}
Result<EbpcConsumed> ebpc_decode_baseline(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                          const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out, false);
}
}  // namespace detail

Result<EbpcConsumed> decode_streams(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out);
}
Result<EbpcConsumed> decode_streams(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out);
}
Result<EbpcConsumed> decode_streams(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                 const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  return decode_impl(znz, bpc, params, words_out);
}

}  // namespace ebpc
