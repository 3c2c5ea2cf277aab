// Bounds and decoders of the ZVC, zero-RLE and BPC (Kim et al.) baselines and the EBPC
// entry of the codec table; their encoders are in baselines_encode.cpp. Part of the
// decoder-only library: nothing here includes an encoder header.
#include "codec/baselines.hpp"

#include <algorithm>
#include <bit>

#include "codec/bpc_block_decode.hpp"
#include "codec/ebpc_params.hpp"
#include "codec/words.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"
#include "common/endian.hpp"

namespace ebpc::detail {

namespace {
// A single-stream decoder must end exactly at the end of its padded stream.
Result<void> check_single_stream_end(const BitReader& br, std::size_t in_nbytes, unsigned w) {
  EBPC_CHECK(!br.overrun(), truncated);
  EBPC_CHECK(padded_nbytes(br.consumed_nbits(), w) == in_nbytes, corrupt);
  return {};
}

constexpr unsigned k_zrle_run_nbits = 4;  // runs of 1..16 zero words

}  // namespace

// ---- ZVC: N flag bits (1 = non-zero), then the non-zero words in W bits each.

std::size_t zvc_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  return static_cast<std::size_t>((std::uint64_t{nwords} * (1 + p.word_nbits) + p.word_nbits) / 8 + 16);
}

Result<void> zvc_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                        std::span<std::uint8_t> words_out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<void> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(words_out);
    EBPC_TRY(words);
    const std::size_t n = words->size();
    EBPC_CHECK(n <= in.size() * std::uint64_t{8}, truncated);  // one flag bit per word
    const unsigned w = p.word_nbits;
    // The values start right after the flags (same stream).
    BitReader flags(in);
    BitReader values(in.subspan(n / 8));
    values.get(static_cast<unsigned>(n % 8));
    Word* out = words->data();
    std::fill(out, out + n, Word{0});
    unsigned zero_hit = 0;
    for (std::size_t g = 0; g * 64 < n; ++g) {
      const auto count = static_cast<unsigned>(std::min<std::size_t>(64, n - g * 64));
      std::uint64_t f = 0;  // the flags, first word's at bit 63
      if (count > 32) {
        f = std::uint64_t{flags.get(32)} << 32;
        f |= std::uint64_t{flags.get(count - 32)} << (64 - count);
      } else {
        f = std::uint64_t{flags.get(count)} << (64 - count);
      }
      std::uint64_t m = reverse_bits64(f);
      Word* group = out + 64 * g;
      while (m != 0) {
        const std::uint32_t v = values.get(w);
        zero_hit |= unsigned{v == 0};
        group[std::countr_zero(m)] = static_cast<Word>(v);
        m &= m - 1;
      }
      if (zero_hit != 0 || ((g & 15) == 0 && values.overrun())) [[unlikely]] {
        EBPC_CHECK(!values.overrun(), truncated);
        return tl::unexpected(Error::corrupt);  // a word flagged non-zero is zero
      }
    }
    EBPC_CHECK(!values.overrun(), truncated);
    EBPC_CHECK(padded_nbytes((n / 8) * 8 + values.consumed_nbits(), w) == in.size(), corrupt);
    return {};
  });
}

// ---- Zero-RLE: non-zero word: '1' + W bits; run of k <= 16 zero words: '0' + (k-1) in 4 bits.

std::size_t zrle_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  const std::uint64_t per_word = std::max<std::uint64_t>(1 + p.word_nbits, 1 + k_zrle_run_nbits);
  return static_cast<std::size_t>((std::uint64_t{nwords} * per_word + p.word_nbits) / 8 + 16);
}

Result<void> zrle_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                         std::span<std::uint8_t> words_out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<void> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(words_out);
    EBPC_TRY(words);
    const unsigned w = p.word_nbits;
    BitReader br(in);
    const std::size_t n = words->size();
    Word* out = words->data();
    std::size_t i = 0;
    unsigned zero_hit = 0;
    // One look at the buffer per symbol ('1' + W bits, or '0' + a run); errors and the
    // overrun are checked once per 256 words (reads past the end give zeros).
    const unsigned symbol_nbits = std::max(1 + w, 1 + k_zrle_run_nbits);  // enough for either symbol
    while (i < n) {
      const std::size_t stop = std::min(n, i + 256);
      while (i < stop) {
        const std::uint64_t win = br.window(symbol_nbits);
        if (win >> 63) {
          const auto v = static_cast<std::uint32_t>((win << 1) >> (64 - w));
          br.skip(1 + w);
          zero_hit |= unsigned{v == 0};
          out[i++] = static_cast<Word>(v);
        } else {
          const std::size_t run = static_cast<std::size_t>((win << 1) >> (64 - k_zrle_run_nbits)) + 1;
          br.skip(1 + k_zrle_run_nbits);
          EBPC_CHECK(run <= n - i, corrupt);
          std::fill_n(out + i, run, Word{0});
          i += run;
        }
      }
      EBPC_CHECK(!br.overrun(), truncated);
      EBPC_CHECK(zero_hit == 0, corrupt);
    }
    return check_single_stream_end(br, in.size(), w);
  });
}

// ---- BPC (Kim et al.): every word, blocks of B (last block zero-padded), original zero-run codes.

std::size_t bpc_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  const auto shape = make_block_shape(p.word_nbits, p.block_nwords, ZeroRunCode::kim);
  const std::uint64_t nblocks = (std::uint64_t{nwords} + p.block_nwords - 1) / p.block_nwords;
  return static_cast<std::size_t>((nblocks * block_bound_nbits(shape) + p.word_nbits) / 8 + 16);
}

Result<void> bpc_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                        std::span<std::uint8_t> words_out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<void> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(words_out);
    EBPC_TRY(words);
    const unsigned w = p.word_nbits;
    const unsigned b = p.block_nwords;
    const auto shape = make_block_shape(w, b, ZeroRunCode::kim);
    const std::uint64_t mask = low_mask64(w);
    BitReader br(in);
    std::int64_t block[32];
    const std::size_t n = words->size();
    for (std::size_t i = 0; i < n; i += b) {
      const auto decoded = decode_block(br, shape, block);
      EBPC_CHECK(!br.overrun(), truncated);
      EBPC_TRY(decoded);
      for (unsigned k = 0; k < b && i + k < n; ++k) {
        (*words)[i + k] = static_cast<Word>(static_cast<std::uint64_t>(block[k]) & mask);
      }
    }
    return check_single_stream_end(br, in.size(), w);
  });
}

// ---- EBPC in the codec table: one lane is the ZNZ stream, then the BPC stream; L > 1
// lanes (docs/format.md "Lanes") are a lane table of (ZNZ bytes, BPC bytes) per lane, then
// each lane's two streams.

std::size_t ebpc_lane_table_nbytes(unsigned count) noexcept { return count <= 1 ? 0 : std::size_t{8} * count; }

std::size_t ebpc_table_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  const EbpcParams ep{p.word_nbits, p.block_nwords, p.max_zero_run_nwords};
  const unsigned count = lane_count(nwords, p.lanes);
  const std::size_t stride = lane_stride_nwords(nwords, count);
  std::size_t bound = ebpc_lane_table_nbytes(count);
  for (unsigned k = 0; k < count; ++k) {
    const std::size_t len = k + 1 < count ? stride : nwords - stride * k;
    bound += ebpc_znz_bound_nbytes(len, ep) + ebpc_bpc_bound_nbytes(len, ep);
  }
  return bound;
}

namespace {

// One lane's streams, which must end exactly at their padded lengths.
template <class Word>
Result<void> decode_lane(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc, const EbpcParams& ep,
                         std::span<Word> words) {
  auto consumed = decode_streams(znz, bpc, ep, words);
  EBPC_TRY(consumed);
  EBPC_CHECK(padded_nbytes(consumed->znz_nbits, ep.word_nbits) == znz.size(), corrupt);
  EBPC_CHECK(padded_nbytes(consumed->bpc_nbits, ep.word_nbits) == bpc.size(), corrupt);
  return {};
}

}  // namespace

Result<EbpcLanes> ebpc_parse_lanes(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, std::size_t nwords,
                                   unsigned lanes) {
  EBPC_CHECK(lanes >= 1 && lanes <= k_max_lanes, bad_parameter);
  const unsigned count = lane_count(nwords, lanes);
  const std::size_t stride = lane_stride_nwords(nwords, count);
  EbpcLanes out;
  out.count = count;
  if (count == 1) {
    EBPC_CHECK(stream0_nbytes <= in.size(), corrupt);
    out.lane[0] = EbpcLane{0, nwords, in.first(stream0_nbytes), in.subspan(stream0_nbytes)};
    return out;
  }
  const std::size_t table = ebpc_lane_table_nbytes(count);
  EBPC_CHECK(in.size() >= table, corrupt);
  std::size_t pos = table;
  std::size_t znz_total = 0;
  for (unsigned k = 0; k < count; ++k) {
    const std::size_t znz_n = load_le<std::uint32_t>(in.data() + 8 * k);
    const std::size_t bpc_n = load_le<std::uint32_t>(in.data() + 8 * k + 4);
    EBPC_CHECK(znz_n <= in.size() - pos && bpc_n <= in.size() - pos - znz_n, corrupt);
    const std::size_t first = stride * k;
    out.lane[k] = EbpcLane{first, k + 1 < count ? stride : nwords - first, in.subspan(pos, znz_n),
                      in.subspan(pos + znz_n, bpc_n)};
    pos += znz_n + bpc_n;
    znz_total += znz_n;
  }
  EBPC_CHECK(pos == in.size(), corrupt);
  EBPC_CHECK(znz_total == stream0_nbytes, corrupt);
  return out;
}

Result<void> ebpc_table_decode(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, const CodecParams& p,
                               std::span<std::uint8_t> words_out) {
  const EbpcParams ep{p.word_nbits, p.block_nwords, p.max_zero_run_nwords};
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<void> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(words_out);
    EBPC_TRY(words);
    auto lanes = ebpc_parse_lanes(in, stream0_nbytes, words->size(), p.lanes);
    EBPC_TRY(lanes);
    for (const EbpcLane& lane : *lanes) {
      EBPC_TRY(decode_lane(lane.znz, lane.bpc, ep, words->subspan(lane.first_word, lane.nwords)));
    }
    return {};
  });
}

}  // namespace ebpc::detail
