// EBPC decoder (spec "What the decoder needs"). Trusts nothing in the streams: every
// code is checked, zero runs are bounded by the word count, and the readers' overrun is
// checked once per ZNZ symbol and once per BPC block, so the work is bounded by N.
#include <ebpc/ebpc.hpp>

#include <algorithm>
#include <bit>
#include <cstring>

#include "arch/bitplane.hpp"
#include "arch/cpu.hpp"
#include "codec/bpc_block_decode.hpp"
#include "codec/ebpc_decode_avx2.hpp"
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


// ---- Fast path: B = 8, W <= 16.
//
// The output is taken in segments of k_seg words. (1) The ZNZ symbols of the segment are
// read into a non-zero mask (a run of '1' bits is taken whole with one count of leading
// ones); a zero run may spill into the next segment. (2) Exactly the BPC blocks that the
// segment's non-zero words need are parsed with one table look-up per symbol into their
// planes (the XOR chain undone as they are read), and a SIMD kernel undoes the transpose,
// sums the deltas and checks the value range. (3) The segment is zeroed and the non-zero
// words are put at the mask's set bits (one ctz each). So a decode reads
// exactly what the one-symbol-at-a-time decoder reads, and reports the same errors:
// truncated whenever a stream was read past its end, corrupt otherwise.

constexpr std::size_t k_seg = 1024;

// One BPC symbol (B = 8), decoded from the next 8 bits: plane = (prev & keep) ^ xor_bits,
// repeated nplanes times (nplanes = 32: an invalid index, corrupt).
struct PlaneCode {
  std::uint8_t nbits;
  std::uint8_t nplanes;
  std::uint8_t xor_bits;
  std::uint8_t keep;
};

struct PlaneTablesB8 {
  PlaneCode t[4][256];  // by ceil(log2(W)) - 1, W = 2..16
  constexpr PlaneTablesB8() : t() {
    for (unsigned lw = 1; lw <= 4; ++lw) {
      for (unsigned x = 0; x < 256; ++x) {
        PlaneCode c{};
        const unsigned idx = x & 7;
        if (x & 0x80) {  // '1' + DBX
          c = {8, 1, static_cast<std::uint8_t>(x & 0x7f), 0x7f};
        } else if ((x >> 6) == 0b01) {  // single all-zero DBX
          c = {2, 1, 0, 0x7f};
        } else if ((x >> 5) == 0b001) {  // run of r >= 2 all-zero DBX
          const unsigned r = ((x >> (5 - lw)) & ((1u << lw) - 1)) + 2;
          c = {static_cast<std::uint8_t>(3 + lw), static_cast<std::uint8_t>(r), 0, 0x7f};
        } else if ((x >> 3) == 0b00000) {  // DBX all ones
          c = {5, 1, 0x7f, 0x7f};
        } else if ((x >> 3) == 0b00001) {  // DBP all zeros
          c = {5, 1, 0, 0};
        } else if ((x >> 3) == 0b00010) {  // two adjacent ones
          c = idx + 3 <= 8 ? PlaneCode{8, 1, static_cast<std::uint8_t>(3u << (5 - idx)), 0x7f} : PlaneCode{8, 32, 0, 0};
        } else {  // 0b00011: one one
          c = idx + 2 <= 8 ? PlaneCode{8, 1, static_cast<std::uint8_t>(1u << (6 - idx)), 0x7f} : PlaneCode{8, 32, 0, 0};
        }
        t[lw - 1][x] = c;
      }
    }
  }
};
constexpr PlaneTablesB8 k_plane_tables{};

// Parses one block: its base and its W+1 planes into rec (k_unplanes_stride bytes). False
// when a code is invalid or the planes overshoot W+1; the caller checks overrun. At most
// W+1 symbols are read (each covers at least one plane).
inline bool parse_block_b8(BitReader& br_io, unsigned w, const PlaneCode* tab, std::uint8_t* rec,
                           std::uint16_t& base) noexcept {
  BitReader br = br_io;  // a local: the byte stores into rec cannot alias it
  base = static_cast<std::uint16_t>(br.get(w));
  unsigned p = 0;
  unsigned prev = 0;
  while (p <= w) {
    const PlaneCode c = tab[br.peek(8)];  // refills once per 7 or more symbols
    br.skip(c.nbits);
    const unsigned plane = (prev & c.keep) ^ c.xor_bits;
    // Fill up to 24 planes at once (rec has room: p <= W <= 16, stride 48). An overshoot
    // of W+1 (a run too long, or nplanes = 32 for an invalid index) is caught after the loop.
    const std::uint64_t fill = plane * 0x0101010101010101ull;
    std::memcpy(rec + p, &fill, 8);
    if (c.nplanes > 8) {
      std::memcpy(rec + p + 8, &fill, 8);
      std::memcpy(rec + p + 16, &fill, 8);
    }
    p += c.nplanes;
    prev = plane;
  }
  br_io = br;
  return p == w + 1;
}

template <class Word>
Result<EbpcConsumed> decode_fast_b8(std::span<const std::uint8_t> znz_in, std::span<const std::uint8_t> bpc_in,
                                    const EbpcParams& params, std::span<Word> out) noexcept {
  const unsigned w = params.word_nbits;
  const unsigned z_nbits = ceil_log2(params.max_zero_run_nwords);
  const PlaneCode* tab = k_plane_tables.t[ceil_log2(w) - 1];
  BitReader znz(znz_in);
  BitReader bpc(bpc_in);
  alignas(16) std::uint16_t nzv[k_seg + 32];
  alignas(16) std::uint8_t recs[(k_seg / 8 + 2) * arch::k_unplanes_stride];
  std::uint16_t bases[k_seg / 8 + 2];
  std::uint64_t masks[k_seg / 64 + 1];
  std::size_t nz_pos = 0;
  std::size_t nz_end = 0;
  std::size_t carry = 0;  // zero words of a run that spills into the next segment
  const std::size_t n = out.size();
  // Past the end a stream reads as zeros: an error then is reported as truncated.
  const auto fail = [](bool overrun) { return tl::unexpected(overrun ? Error::truncated : Error::corrupt); };
  for (std::size_t s = 0; s < n; s += k_seg) {
    const std::size_t len = std::min(k_seg, n - s);
    std::fill(masks, masks + k_seg / 64 + 1, std::uint64_t{0});
    std::size_t j = std::min(carry, len);
    carry -= j;
    // Each pass takes a run of '1' bits (maybe empty) and the zero-run code after it, so
    // that no branch depends on which symbol comes next.
    while (j < len) {
      const std::uint64_t win = znz.window(1 + z_nbits);
      // ones <= buffered bits (the bits after them read as 0); 0 is fine too; at most 63
      // at once (a shift by 64 would be undefined).
      const auto ones = std::min(static_cast<unsigned>(std::countl_one(win)), 63u);
      const auto take = static_cast<unsigned>(std::min<std::size_t>(ones, len - j));
      const std::uint64_t bits = low_mask64(take);
      const unsigned at = static_cast<unsigned>(j & 63);
      masks[j >> 6] |= bits << at;
      masks[(j >> 6) + 1] |= (bits >> 1) >> (63 - at);
      znz.skip(take);
      j += take;
      if (j == len) {
        break;
      }
      const std::uint64_t code = znz.window(1 + z_nbits);
      if (code >> 63) [[unlikely]] {
        continue;  // the '1' bits went on past the buffered ones
      }
      const std::size_t run = static_cast<std::size_t>(code >> (63 - z_nbits)) + 1;  // the bits after the 0
      znz.skip(1 + z_nbits);
      if (run > n - s - j) [[unlikely]] {
        return fail(znz.overrun() || bpc.overrun());
      }
      j += run;
      if (j > len) {
        carry = j - len;
        j = len;
      }
    }
    EBPC_CHECK(!znz.overrun(), truncated);
    std::size_t count = 0;
    for (unsigned g = 0; g < k_seg / 64; ++g) {
      count += static_cast<std::size_t>(std::popcount(masks[g]));
    }
    const std::size_t avail = nz_end - nz_pos;
    if (avail < count) {
      std::copy(nzv + nz_pos, nzv + nz_end, nzv);
      nz_pos = 0;
      nz_end = avail;
      const std::size_t nblocks = (count - avail + 7) / 8;
      for (std::size_t b = 0; b < nblocks; ++b) {
        if (!parse_block_b8(bpc, w, tab, recs + b * arch::k_unplanes_stride, bases[b])) [[unlikely]] {
          return fail(znz.overrun() || bpc.overrun());
        }
      }
      EBPC_CHECK(!bpc.overrun(), truncated);
      if (!arch::unplanes_b8(recs, bases, nblocks, w, nzv + nz_end)) [[unlikely]] {
        return fail(znz.overrun() || bpc.overrun());
      }
      nz_end += nblocks * 8;
    }
    // Scatter: zeros everywhere, then the non-zero words at the mask's set bits.
    Word* o = out.data() + s;
    std::fill(o, o + len, Word{0});
    const std::size_t first = nz_pos;
    for (unsigned g = 0; g * 64 < len; ++g) {
      std::uint64_t m = masks[g];
      Word* og = o + 64 * g;
      while (m != 0) {
        og[std::countr_zero(m)] = static_cast<Word>(nzv[nz_pos++]);
        m &= m - 1;
      }
    }
    unsigned zero_hit = 0;
    for (std::size_t k = first; k < nz_pos; ++k) {
      zero_hit |= unsigned{nzv[k] == 0};
    }
    if (zero_hit != 0) [[unlikely]] {
      return fail(znz.overrun() || bpc.overrun());  // ZNZ says non-zero
    }
  }
  return EbpcConsumed{znz.consumed_nbits(), bpc.consumed_nbits()};
}

// allow_avx2 = false: the baseline path whatever the CPU (detail::ebpc_decode_baseline, for tests).
template <class Word>
Result<EbpcConsumed> decode_impl(std::span<const std::uint8_t> znz_in, std::span<const std::uint8_t> bpc_in,
                                 const EbpcParams& params, std::span<Word> out, bool allow_avx2 = true) noexcept {
  EBPC_TRY(detail::check_params(params));
  EBPC_CHECK(params.word_nbits <= sizeof(Word) * 8, bad_parameter);
  if (allow_avx2 && arch::use_avx2() && detail::ebpc_decode_avx2_fits(params)) {
    return detail::ebpc_decode_avx2(znz_in, bpc_in, params, out);
  }
  if (params.block_nwords == 8 && params.word_nbits <= 16) {
    return decode_fast_b8(znz_in, bpc_in, params, out);
  }
  return decode_generic(znz_in, bpc_in, params, out);
}

}  // namespace

namespace detail {
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
