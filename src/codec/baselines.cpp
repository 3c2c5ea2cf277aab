// ZVC, zero-RLE and BPC (Kim et al.) baselines, and the EBPC entry of the codec table.
#include "codec/baselines.hpp"

#include <algorithm>

#include "codec/bpc_block.hpp"
#include "codec/ebpc_params.hpp"
#include "codec/words.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

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

// A single-stream decoder must end exactly at the end of its padded stream.
Result<void> check_single_stream_end(const BitReader& br, std::size_t in_nbytes, unsigned w) {
  EBPC_CHECK(!br.overrun(), truncated);
  EBPC_CHECK(padded_nbytes(br.consumed_nbits(), w) == in_nbytes, corrupt);
  return {};
}

constexpr unsigned k_zrle_run_nbits = 4;  // runs of 1..16 zero words
constexpr unsigned k_zrle_max_run = 16;

}  // namespace

// ---- ZVC: N flag bits (1 = non-zero), then the non-zero words in W bits each.

std::size_t zvc_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  return static_cast<std::size_t>((std::uint64_t{nwords} * (1 + p.word_nbits) + p.word_nbits) / 8 + 16);
}

Result<CodedSize> zvc_encode(std::span<const std::uint8_t> bytes, const CodecParams& p, std::span<std::uint8_t> out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    EBPC_CHECK(out.size() >= zvc_bound_nbytes(words->size(), p), output_too_small);
    const unsigned w = p.word_nbits;
    const std::uint64_t over_mask = ~low_mask64(w);
    BitWriter bw(out);
    std::uint64_t bad_bits = 0;
    for (const Word word : *words) {
      bw.put_bit(word != 0);
    }
    for (const Word word : *words) {
      bad_bits |= word & over_mask;
      if (word != 0) {
        bw.put(word, w);
      }
    }
    EBPC_CHECK(bad_bits == 0, bad_parameter);
    const std::uint64_t nbits = bw.nbits();
    const std::size_t nbytes = bw.finish(w);
    return single_stream_size(nbits, nbytes, w);
  });
}

Result<void> zvc_decode(std::span<const std::uint8_t> in, std::size_t, const CodecParams& p,
                        std::span<std::uint8_t> words_out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<void> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(words_out);
    EBPC_TRY(words);
    const std::size_t n = words->size();
    EBPC_CHECK(n <= in.size() * std::uint64_t{8}, truncated);  // one flag bit per word
    BitReader flags(in);
    for (std::size_t i = 0; i < n; ++i) {
      (*words)[i] = flags.get_bit() ? Word{1} : Word{0};
    }
    EBPC_CHECK(!flags.overrun(), truncated);
    // The values start right after the flags (same stream).
    BitReader br(in);
    for (std::size_t i = 0; i < n; i += 32) {
      br.get(static_cast<unsigned>(std::min<std::size_t>(32, n - i)));
    }
    const unsigned w = p.word_nbits;
    for (std::size_t i = 0; i < n; ++i) {
      if ((*words)[i] != 0) {
        const std::uint32_t v = br.get(w);
        EBPC_CHECK(v != 0, corrupt);
        (*words)[i] = static_cast<Word>(v);
        if ((i & 1023) == 0) {
          EBPC_CHECK(!br.overrun(), truncated);
        }
      }
    }
    return check_single_stream_end(br, in.size(), w);
  });
}

// ---- Zero-RLE: non-zero word: '1' + W bits; run of k <= 16 zero words: '0' + (k-1) in 4 bits.

std::size_t zrle_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  const std::uint64_t per_word = std::max<std::uint64_t>(1 + p.word_nbits, 1 + k_zrle_run_nbits);
  return static_cast<std::size_t>((std::uint64_t{nwords} * per_word + p.word_nbits) / 8 + 16);
}

Result<CodedSize> zrle_encode(std::span<const std::uint8_t> bytes, const CodecParams& p, std::span<std::uint8_t> out) {
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    EBPC_CHECK(out.size() >= zrle_bound_nbytes(words->size(), p), output_too_small);
    const unsigned w = p.word_nbits;
    const std::uint64_t over_mask = ~low_mask64(w);
    BitWriter bw(out);
    std::uint64_t bad_bits = 0;
    unsigned run = 0;
    for (const Word word : *words) {
      bad_bits |= word & over_mask;
      if (word == 0) {
        if (++run == k_zrle_max_run) {
          bw.put(run - 1, 1 + k_zrle_run_nbits);
          run = 0;
        }
        continue;
      }
      if (run != 0) {
        bw.put(run - 1, 1 + k_zrle_run_nbits);
        run = 0;
      }
      bw.put(1, 1);
      bw.put(word, w);
    }
    if (run != 0) {
      bw.put(run - 1, 1 + k_zrle_run_nbits);
    }
    EBPC_CHECK(bad_bits == 0, bad_parameter);
    const std::uint64_t nbits = bw.nbits();
    const std::size_t nbytes = bw.finish(w);
    return single_stream_size(nbits, nbytes, w);
  });
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
    std::size_t i = 0;
    while (i < n) {
      if (br.get_bit()) {
        const std::uint32_t v = br.get(w);
        EBPC_CHECK(v != 0, corrupt);
        (*words)[i++] = static_cast<Word>(v);
      } else {
        const std::size_t run = std::size_t{br.get(k_zrle_run_nbits)} + 1;
        EBPC_CHECK(run <= n - i, corrupt);
        std::fill_n(words->begin() + static_cast<std::ptrdiff_t>(i), run, Word{0});
        i += run;
      }
      EBPC_CHECK(!br.overrun(), truncated);
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

// ---- EBPC in the codec table: the ZNZ stream, then the BPC stream.

std::size_t ebpc_table_bound_nbytes(std::size_t nwords, const CodecParams& p) {
  const EbpcParams ep{p.word_nbits, p.block_nwords, p.max_zero_run_nwords};
  return ebpc_znz_bound_nbytes(nwords, ep) + ebpc_bpc_bound_nbytes(nwords, ep);
}

Result<CodedSize> ebpc_table_encode(std::span<const std::uint8_t> bytes, const CodecParams& p,
                                    std::span<std::uint8_t> out) {
  const EbpcParams ep{p.word_nbits, p.block_nwords, p.max_zero_run_nwords};
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<CodedSize> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(bytes);
    EBPC_TRY(words);
    const std::size_t znz_bound = ebpc_znz_bound_nbytes(words->size(), ep);
    EBPC_CHECK(out.size() >= ebpc_table_bound_nbytes(words->size(), p), output_too_small);
    // Code the ZNZ stream at the front and the BPC stream after the ZNZ bound, then move
    // the BPC stream down next to the ZNZ stream.
    auto sizes = ebpc_encode(*words, ep, out.first(znz_bound), out.subspan(znz_bound));
    EBPC_TRY(sizes);
    const std::size_t znz_nbytes = padded_nbytes(sizes->znz_nbits, p.word_nbits);
    const std::size_t bpc_nbytes = padded_nbytes(sizes->bpc_nbits, p.word_nbits);
    std::memmove(out.data() + znz_nbytes, out.data() + znz_bound, bpc_nbytes);
    CodedSize s;
    s.nbytes = znz_nbytes + bpc_nbytes;
    s.stream0_nbytes = znz_nbytes;
    s.znz_nbits = sizes->znz_nbits;
    s.bpc_nbits = sizes->bpc_nbits;
    s.exact_nbits = sizes->znz_nbits + sizes->bpc_nbits;
    s.padded_nbits = sizes->znz_padded_nbits + sizes->bpc_padded_nbits;
    return s;
  });
}

Result<void> ebpc_table_decode(std::span<const std::uint8_t> in, std::size_t stream0_nbytes, const CodecParams& p,
                               std::span<std::uint8_t> words_out) {
  const EbpcParams ep{p.word_nbits, p.block_nwords, p.max_zero_run_nwords};
  EBPC_CHECK(stream0_nbytes <= in.size(), corrupt);
  const auto znz = in.first(stream0_nbytes);
  const auto bpc = in.subspan(stream0_nbytes);
  return with_word_type(p.elem_nbytes, [&](auto word_tag) -> Result<void> {
    using Word = decltype(word_tag);
    auto words = as_words<Word>(words_out);
    EBPC_TRY(words);
    auto consumed = ebpc_decode(znz, bpc, ep, *words);
    EBPC_TRY(consumed);
    EBPC_CHECK(padded_nbytes(consumed->znz_nbits, p.word_nbits) == znz.size(), corrupt);
    EBPC_CHECK(padded_nbytes(consumed->bpc_nbits, p.word_nbits) == bpc.size(), corrupt);
    return {};
  });
}

}  // namespace ebpc::detail
