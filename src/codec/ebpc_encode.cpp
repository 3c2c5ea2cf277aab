// EBPC encoder: the ZNZ stream (docs/stream-format.md "ZNZ symbols") and the BPC stream
// ("BPC blocks", "Block transform", "BPC symbols") in one pass over the input words.
#include <ebpc/ebpc.hpp>

#include <algorithm>
#include <bit>
#include <cstring>

#include "arch/cpu.hpp"
#include "codec/bpc_block_encode.hpp"
#include "codec/ebpc_encode_fast.hpp"
#include "codec/ebpc_params.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc {

namespace {

// ---- Generic path: any W and B, one word at a time (checked against the reference coder
// for every W, B and Z in tests/test_ebpc_roundtrip.cpp).
template <class Word>
Result<EbpcSizes> encode_generic(std::span<const Word> words, const EbpcParams& params,
                                 std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  const unsigned w = params.word_nbits;
  const auto shape = detail::ebpc_block_shape(params);
  const unsigned b = params.block_nwords;
  const unsigned z = params.max_zero_run_nwords;
  const unsigned z_nbits = ceil_log2(z);
  const std::uint64_t over_mask = ~low_mask64(w);

  BitWriter znz(znz_out);
  BitWriter bpc(bpc_out);
  std::int64_t block[32];
  unsigned block_fill = 0;
  unsigned zero_run = 0;
  std::uint64_t bad_bits = 0;

  for (const Word word : words) {
    bad_bits |= std::uint64_t{word} & over_mask;
    if (word == 0) {
      if (++zero_run == z) {
        znz.put(z - 1, 1 + z_nbits);  // '0' + (Z-1)
        zero_run = 0;
      }
      continue;
    }
    if (zero_run != 0) {
      znz.put(zero_run - 1, 1 + z_nbits);
      zero_run = 0;
    }
    znz.put(1, 1);
    block[block_fill++] = sign_extend(word, w);
    if (block_fill == b) {
      detail::encode_block(bpc, shape, block);
      block_fill = 0;
    }
  }
  EBPC_CHECK(bad_bits == 0, bad_parameter);
  if (zero_run != 0) {
    znz.put(zero_run - 1, 1 + z_nbits);
  }
  if (block_fill != 0) {
    std::fill(block + block_fill, block + b, 0);  // pad the last block with zero words
    detail::encode_block(bpc, shape, block);
  }

  EbpcSizes sizes;
  sizes.znz_nbits = znz.nbits();
  sizes.bpc_nbits = bpc.nbits();
  sizes.znz_padded_nbits = round_up(sizes.znz_nbits, w);
  sizes.bpc_padded_nbits = round_up(sizes.bpc_nbits, w);
  znz.finish(w);
  bpc.finish(w);
  return sizes;
}


template <class Word>
Result<EbpcSizes> encode_impl(std::span<const Word> words, const EbpcParams& params, std::span<std::uint8_t> znz_out,
                              std::span<std::uint8_t> bpc_out) noexcept {
  EBPC_TRY(detail::check_params(params));
  const unsigned w = params.word_nbits;
  EBPC_CHECK(w <= sizeof(Word) * 8, bad_parameter);
  EBPC_CHECK(znz_out.size() >= ebpc_znz_bound_nbytes(words.size(), params), output_too_small);
  EBPC_CHECK(bpc_out.size() >= ebpc_bpc_bound_nbytes(words.size(), params), output_too_small);
  if (!detail::fast_path_fits(params)) {
    return encode_generic(words, params, znz_out, bpc_out);
  }
  WideBitWriter znz(znz_out);
  WideBitWriter bpc(bpc_out);
  std::uint64_t all = 0;
#if EBPC_ARCH_HAVE_AVX2
  if (arch::use_avx2()) {
    all = detail::encode_avx2::encode(words, w, params.block_nwords, params.max_zero_run_nwords, znz, bpc);
  } else
#endif
  {
    all = detail::encode_baseline::encode(words, w, params.block_nwords, params.max_zero_run_nwords, znz, bpc);
  }
  EBPC_CHECK((all & ~low_mask64(w)) == 0, bad_parameter);
  EbpcSizes sizes;
  sizes.znz_nbits = znz.nbits();
  sizes.bpc_nbits = bpc.nbits();
  sizes.znz_padded_nbits = round_up(sizes.znz_nbits, w);
  sizes.bpc_padded_nbits = round_up(sizes.bpc_nbits, w);
  znz.finish(w);
  bpc.finish(w);
  return sizes;
}

}  // namespace

Result<EbpcSizes> encode_streams(std::span<const std::uint8_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  return encode_impl(words, params, znz_out, bpc_out);
}
Result<EbpcSizes> encode_streams(std::span<const std::uint16_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  return encode_impl(words, params, znz_out, bpc_out);
}
Result<EbpcSizes> encode_streams(std::span<const std::uint32_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  return encode_impl(words, params, znz_out, bpc_out);
}

Result<EbpcStreams> encode_streams_to_vectors(std::span<const std::uint32_t> words, const EbpcParams& params) {
  EBPC_TRY(detail::check_params(params));
  EbpcStreams s;
  s.znz.resize(ebpc_znz_bound_nbytes(words.size(), params));
  s.bpc.resize(ebpc_bpc_bound_nbytes(words.size(), params));
  auto r = encode_impl(words, params, s.znz, s.bpc);
  if (!r) {
    return tl::unexpected(r.error());
  }
  s.sizes = *r;
  s.znz.resize(detail::padded_nbytes(s.sizes.znz_nbits, params.word_nbits));
  s.bpc.resize(detail::padded_nbytes(s.sizes.bpc_nbits, params.word_nbits));
  return s;
}

}  // namespace ebpc
