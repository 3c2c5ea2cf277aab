// Encoders of the ZVC, zero-RLE and BPC (Kim et al.) baselines and the EBPC entry of the
// codec table. Their bounds and decoders are in baselines.cpp (the decoder-only library).
#include "codec/baselines.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "arch/bitplane.hpp"
#include "codec/bpc_block_encode.hpp"
#include "codec/ebpc_params.hpp"
#include "codec/words.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"
#include "common/endian.hpp"

namespace ebpc::detail {

namespace {

CodedSize single_stream_size(std::uint64_t nbits, std::size_t nbytes, unsigned w) {
  CodedSize s;
  s.nbytes = nbytes;
  s.stream0_nbytes = nbytes;
  s.exact_nbits = nbits;
  s.padded_nbits = round_up(nbits, w);
  return s;
}

constexpr unsigned k_zrle_run_nbits = 4;  // runs of 1..16 zero words
constexpr unsigned k_zrle_max_run = 16;

// Non-zero masks of words[64 g ...] for g < ngroups, the last group possibly short (its
// missing words count as zero); returns the OR of the words.
template <class Word>
std::uint64_t masks_of(const Word* words, std::size_t nwords, std::uint64_t* masks) noexcept {
  const std::size_t full = nwords / 64;
  std::uint64_t all = arch::nonzero_masks(words, full, masks);
  if (nwords % 64 != 0) {
    std::uint64_t m = 0;
    for (std::size_t j = full * 64; j < nwords; ++j) {
      all |= words[j];
      m |= std::uint64_t{words[j] != 0} << (j - full * 64);
    }
    masks[full] = m;
  }
  return all;
}

constexpr std::size_t k_mask_batch_nwords = 4096;  // words per batch of non-zero masks

}  // namespace

Result<CodedSize> zvc_encode(std::span<const std::uint8_t> bytes, const CodecParams& p, std::span<std::uint8_t> out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    EBPC_CHECK(out.size() >= zvc_bound_nbytes(words->size(), p), output_too_small);
    const unsigned w = p.word_nbits;
    WideBitWriter bw(out);
    std::uint64_t masks[k_mask_batch_nwords / 64];
    std::uint64_t all = 0;
    const std::size_t n = words->size();
    const Word* in = words->data();
    // The flags, 64 at a time; then the non-zero words, found by ctz.
    for (std::size_t c = 0; c < n; c += k_mask_batch_nwords) {
      const std::size_t len = std::min(k_mask_batch_nwords, n - c);
      all |= masks_of(in + c, len, masks);
      for (std::size_t g = 0; g * 64 < len; ++g) {
        const auto count = static_cast<unsigned>(std::min<std::size_t>(64, len - g * 64));
        const std::uint64_t flags = reverse_bits64(masks[g]) >> (64 - count);  // first word's flag first
        if (count > 32) {
          bw.add(flags >> 32, count - 32);
          bw.flush();
          bw.add(flags & 0xffffffffu, 32);
        } else {
          bw.add(flags, count);
        }
        bw.flush();
      }
    }
    for (std::size_t c = 0; c < n; c += k_mask_batch_nwords) {
      const std::size_t len = std::min(k_mask_batch_nwords, n - c);
      masks_of(in + c, len, masks);
      for (std::size_t g = 0; g * 64 < len; ++g) {
        std::uint64_t m = masks[g];
        const Word* group = in + c + 64 * g;
        while (m != 0) {
          bw.add(group[std::countr_zero(m)] & low_mask64(w), w);  // bits above W: refused below
          bw.flush();
          m &= m - 1;
        }
      }
    }
    EBPC_CHECK((all & ~low_mask64(w)) == 0, bad_parameter);
    const std::uint64_t nbits = bw.nbits();
    const std::size_t nbytes = bw.finish(w);
    return single_stream_size(nbits, nbytes, w);
  });
}

Result<CodedSize> zrle_encode(std::span<const std::uint8_t> bytes, const CodecParams& p, std::span<std::uint8_t> out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    EBPC_CHECK(out.size() >= zrle_bound_nbytes(words->size(), p), output_too_small);
    const unsigned w = p.word_nbits;
    const std::uint64_t word_mask = low_mask64(w);
    WideBitWriter bw(out);
    std::uint64_t masks[k_mask_batch_nwords / 64];
    std::uint64_t all = 0;
    unsigned run = 0;
    const std::size_t n = words->size();
    const Word* in = words->data();
    for (std::size_t c = 0; c < n; c += k_mask_batch_nwords) {
      const std::size_t len = std::min(k_mask_batch_nwords, n - c);
      all |= masks_of(in + c, len, masks);
      for (std::size_t g = 0; g * 64 < len; ++g) {
        const std::uint64_t m = masks[g];
        const auto count = static_cast<unsigned>(std::min<std::size_t>(64, len - g * 64));
        const Word* group = in + c + 64 * g;
        unsigned pos = 0;
        while (pos < count) {
          const unsigned zeros = std::min(static_cast<unsigned>(std::countr_zero(m >> pos)), count - pos);
          pos += zeros;
          run += zeros;
          while (run >= k_zrle_max_run) {
            bw.add(k_zrle_max_run - 1, 1 + k_zrle_run_nbits);
            bw.flush();
            run -= k_zrle_max_run;
          }
          if (pos == count) {
            break;
          }
          if (run != 0) {
            bw.add(run - 1, 1 + k_zrle_run_nbits);
            run = 0;
          }
          const unsigned ones = static_cast<unsigned>(std::countr_one(m >> pos));  // stops at count
          for (unsigned k = 0; k < ones; ++k) {
            bw.add((std::uint64_t{1} << w) | (group[pos + k] & word_mask), 1 + w);  // bits above W: refused below
            bw.flush();
          }
          bw.flush();
          pos += ones;
        }
      }
    }
    if (run != 0) {
      bw.add(run - 1, 1 + k_zrle_run_nbits);
    }
    EBPC_CHECK((all & ~word_mask) == 0, bad_parameter);
    const std::uint64_t nbits = bw.nbits();
    const std::size_t nbytes = bw.finish(w);
    return single_stream_size(nbits, nbytes, w);
  });
}

Result<CodedSize> bpc_encode(std::span<const std::uint8_t> bytes, const CodecParams& p, std::span<std::uint8_t> out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    EBPC_CHECK(out.size() >= bpc_bound_nbytes(words->size(), p), output_too_small);
    const unsigned w = p.word_nbits;
    const unsigned b = p.block_nwords;
    const auto shape = make_block_shape(w, b, ZeroRunCode::kim);
    const std::uint64_t over_mask = ~low_mask64(w);
    BitWriter bw(out);
    std::uint64_t bad_bits = 0;
    std::int64_t block[32];
    const std::size_t n = words->size();
    for (std::size_t i = 0; i < n; i += b) {
      for (unsigned k = 0; k < b; ++k) {
        const Word word = i + k < n ? (*words)[i + k] : Word{0};
        bad_bits |= word & over_mask;
        block[k] = sign_extend(word, w);
      }
      encode_block(bw, shape, block);
    }
    EBPC_CHECK(bad_bits == 0, bad_parameter);
    const std::uint64_t nbits = bw.nbits();
    const std::size_t nbytes = bw.finish(w);
    return single_stream_size(nbits, nbytes, w);
  });
}

Result<CodedSize> ebpc_table_encode(std::span<const std::uint8_t> bytes, const CodecParams& p,
                                    std::span<std::uint8_t> out) {
  const EbpcParams ep{p.word_nbits, p.block_nwords, p.max_zero_run_nwords};
  EBPC_CHECK(p.lanes >= 1 && p.lanes <= k_max_lanes, bad_parameter);
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    const std::size_t n = words->size();
    EBPC_CHECK(out.size() >= ebpc_table_bound_nbytes(n, p), output_too_small);
    const unsigned count = lane_count(n, p.lanes);
    const std::size_t stride = lane_stride_nwords(n, count);
    const std::size_t table = ebpc_lane_table_nbytes(count);
    CodedSize s;
    std::size_t pos = table;
    for (unsigned k = 0; k < count; ++k) {
      const std::size_t first = stride * k;
      const auto lane = words->subspan(first, k + 1 < count ? stride : n - first);
      // Code the ZNZ stream at pos and the BPC stream after the lane's ZNZ bound, then move
      // the BPC stream down next to the ZNZ stream (the lane's bound fits: see the bound).
      const std::size_t znz_bound = ebpc_znz_bound_nbytes(lane.size(), ep);
      const std::size_t bpc_bound = ebpc_bpc_bound_nbytes(lane.size(), ep);
      auto sizes = encode_streams(lane, ep, out.subspan(pos, znz_bound), out.subspan(pos + znz_bound, bpc_bound));
      EBPC_TRY(sizes);
      const std::size_t znz_nbytes = padded_nbytes(sizes->znz_nbits, p.word_nbits);
      const std::size_t bpc_nbytes = padded_nbytes(sizes->bpc_nbits, p.word_nbits);
      std::memmove(out.data() + pos + znz_nbytes, out.data() + pos + znz_bound, bpc_nbytes);
      if (count > 1) {
        EBPC_CHECK(znz_nbytes <= UINT32_MAX && bpc_nbytes <= UINT32_MAX, limit_exceeded);
        store_le<std::uint32_t>(out.data() + 8 * k, static_cast<std::uint32_t>(znz_nbytes));
        store_le<std::uint32_t>(out.data() + 8 * k + 4, static_cast<std::uint32_t>(bpc_nbytes));
      }
      pos += znz_nbytes + bpc_nbytes;
      s.stream0_nbytes += znz_nbytes;
      s.znz_nbits += sizes->znz_nbits;
      s.bpc_nbits += sizes->bpc_nbits;
      s.padded_nbits += sizes->znz_padded_nbits + sizes->bpc_padded_nbits;
    }
    s.nbytes = pos;
    // The lane table is side information: counted in both totals (but in neither stream's).
    s.exact_nbits = s.znz_nbits + s.bpc_nbits + 8 * table;
    s.padded_nbits += 8 * table;
    return s;
  });
}

}  // namespace ebpc::detail
