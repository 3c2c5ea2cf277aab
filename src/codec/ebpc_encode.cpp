// EBPC encoder: the ZNZ stream (spec "Stream 1") and the BPC stream (spec "Stream 2") in
// one pass over the input words.
#include <ebpc/ebpc.hpp>

#include <algorithm>

#include "codec/bpc_block.hpp"
#include "codec/ebpc_params.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

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

namespace {

template <class Word>
Result<EbpcSizes> encode_impl(std::span<const Word> words, const EbpcParams& params, std::span<std::uint8_t> znz_out,
                              std::span<std::uint8_t> bpc_out) noexcept {
  EBPC_TRY(detail::check_params(params));
  const unsigned w = params.word_nbits;
  EBPC_CHECK(w <= sizeof(Word) * 8, bad_parameter);
  EBPC_CHECK(znz_out.size() >= ebpc_znz_bound_nbytes(words.size(), params), output_too_small);
  EBPC_CHECK(bpc_out.size() >= ebpc_bpc_bound_nbytes(words.size(), params), output_too_small);

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

}  // namespace

Result<EbpcSizes> ebpc_encode(std::span<const std::uint8_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  return encode_impl(words, params, znz_out, bpc_out);
}
Result<EbpcSizes> ebpc_encode(std::span<const std::uint16_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  return encode_impl(words, params, znz_out, bpc_out);
}
Result<EbpcSizes> ebpc_encode(std::span<const std::uint32_t> words, const EbpcParams& params,
                              std::span<std::uint8_t> znz_out, std::span<std::uint8_t> bpc_out) noexcept {
  return encode_impl(words, params, znz_out, bpc_out);
}

Result<EbpcStreams> ebpc_encode_to_vectors(std::span<const std::uint32_t> words, const EbpcParams& params) {
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
