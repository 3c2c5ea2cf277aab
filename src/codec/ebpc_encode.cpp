// EBPC encoder: the ZNZ stream (spec "Stream 1") and the BPC stream (spec "Stream 2") in
// one pass over the input words.
#include <ebpc/ebpc.hpp>

#include <algorithm>
#include <bit>
#include <cstring>

#include "arch/bitplane.hpp"
#include "arch/cpu.hpp"
#include "codec/ebpc_encode_avx2.hpp"
#include "codec/bpc_block_encode.hpp"
#include "codec/ebpc_params.hpp"
#include "codec/znz_emit.hpp"
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


// ---- Fast path: B = 8, W <= 16 (the hardware's parameters and most real uses).
//
// The input is taken in segments of k_seg words: a SIMD zero/non-zero mask per 64 words
// drives the ZNZ stream (a zero run and the run of '1' bits after it in one write, runs
// found with ctz), the non-zero words are compacted with one ctz each into a buffer (shifted
// to the top of 16 bits), SIMD kernels cut every full block into its W+1 delta bit-planes
// and their DBX planes, and a table classifies each non-zero DBX (spec "Stream 2", step 5).

constexpr std::size_t k_seg = 1024;

struct SymbolCode {
  std::uint16_t code;
  std::uint8_t nbits;
};

// B = 8 symbol of a non-zero DBX, indexed by dbx | (DBP == 0) << 7 (spec table, in order).
struct SymbolTableB8 {
  SymbolCode t[256];
  constexpr SymbolTableB8() : t() {
    for (unsigned x = 0; x < 256; ++x) {
      const unsigned dbx = x & 0x7f;
      const bool plane_zero = (x & 0x80) != 0;
      if (dbx == 0) {
        t[x] = {0, 0};
      } else if (dbx == 0x7f) {
        t[x] = {0b00000, 5};
      } else if (plane_zero) {
        t[x] = {0b00001, 5};
      } else {
        const auto low = static_cast<unsigned>(std::countr_zero(dbx));
        const int ones = std::popcount(dbx);
        if (ones == 2 && (dbx >> low) == 0b11) {
          t[x] = {static_cast<std::uint16_t>(0b00010u << 3 | (5 - low)), 8};
        } else if (ones == 1) {
          t[x] = {static_cast<std::uint16_t>(0b00011u << 3 | (6 - low)), 8};
        } else {
          t[x] = {static_cast<std::uint16_t>(0x80u | dbx), 8};
        }
      }
    }
  }
};
constexpr SymbolTableB8 k_symbols_b8{};

// Codes of a run of r all-zero DBX planes (EBPC codes), r = 0..W+1 (r = 0: nothing).
struct RunCodes {
  SymbolCode t[18];
  explicit RunCodes(unsigned w) noexcept : t() {
    const unsigned len_nbits = ceil_log2(w);
    for (unsigned r = 0; r <= w + 1 && r < 18; ++r) {
      if (r == 0) {
        t[r] = {0, 0};
      } else if (r == 1) {
        t[r] = {0b01, 2};
      } else {
        t[r] = {static_cast<std::uint16_t>((1u << len_nbits) | (r - 2)), static_cast<std::uint8_t>(3 + len_nbits)};
      }
    }
  }
};

// One symbol per plane with DBX != 0 (found with ctz in the block's mask), each preceded
// by the code of the all-zero DBX run before it; then the run at the end of the block.
// Bits between flushes: <= 7 pending + 3 * (7 + 8) + 7.
inline void emit_blocks_b8(WideBitWriter& bpc, const std::uint16_t* top, const std::uint8_t* recs,
                           std::size_t nblocks, unsigned w, const RunCodes& runs) noexcept {
  const unsigned down = 16 - w;
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    const std::uint8_t* rec = recs + blk * arch::k_dbx_stride;
    bpc.add(top[8 * blk] >> down, w);
    bpc.flush();
    std::uint32_t nonzero;
    std::memcpy(&nonzero, rec + arch::k_dbx_mask_at, 4);
    unsigned next = 0;  // first plane not yet coded
    const auto emit_one = [&]() {
      const auto p = static_cast<unsigned>(std::countr_zero(nonzero));
      nonzero &= nonzero - 1;
      const SymbolCode sym = k_symbols_b8.t[rec[p]];
      const SymbolCode rc = runs.t[p - next];
      next = p + 1;
      bpc.add(std::uint64_t{rc.code} << sym.nbits | sym.code, unsigned{rc.nbits} + sym.nbits);
    };
    while (nonzero != 0) {  // three symbols per flush
      emit_one();
      if (nonzero == 0) {
        break;
      }
      emit_one();
      if (nonzero == 0) {
        break;
      }
      emit_one();
      bpc.flush();
    }
    const SymbolCode rc = runs.t[w + 1 - next];
    bpc.add(rc.code, rc.nbits);
    bpc.flush();
  }
}

template <class Word>
std::uint64_t encode_fast_b8(std::span<const Word> words, unsigned w, unsigned z, WideBitWriter& znz_out,
                             WideBitWriter& bpc_out) noexcept {
  // The writers live in locals: the byte stores of the loops cannot alias them, so their
  // state stays in registers.
  WideBitWriter znz = znz_out;
  WideBitWriter bpc = bpc_out;
  const unsigned z_nbits = ceil_log2(z);
  const unsigned up = 16 - w;
  const RunCodes runs(w);
  alignas(16) std::uint16_t nz[k_seg + 16];
  std::uint8_t planes[(k_seg / 8 + 2) * 17 + 16] = {};  // dbx_b8 reads 16 bytes per block
  std::uint8_t recs[(k_seg / 8 + 2) * arch::k_dbx_stride];
  std::uint64_t masks[k_seg / 64];
  std::size_t nz_fill = 0;
  unsigned zero_run = 0;
  std::uint64_t all = 0;
  const std::size_t n = words.size();
  const Word* in = words.data();
  for (std::size_t i = 0; i < n; i += k_seg) {
    const std::size_t len = std::min(k_seg, n - i);
    const std::size_t full = len / 64;
    all |= arch::nonzero_masks(in + i, full, masks);
    if (len % 64 != 0) {
      std::uint64_t m = 0;
      for (std::size_t j = full * 64; j < len; ++j) {
        all |= in[i + j];
        m |= std::uint64_t{in[i + j] != 0} << (j - full * 64);
      }
      masks[full] = m;
    }
    for (std::size_t g = 0; g * 64 < len; ++g) {
      if (len - g * 64 >= 64) {
        detail::emit_znz64(znz, masks[g], zero_run, z, z_nbits);
      } else {
        detail::emit_znz(znz, masks[g], static_cast<unsigned>(len - g * 64), zero_run, z, z_nbits);
      }
    }
    // Compaction of the non-zero words (one ctz each).
    for (std::size_t g = 0; g * 64 < len; ++g) {
      std::uint64_t m = masks[g];
      const Word* group = in + i + 64 * g;
      while (m != 0) {
        nz[nz_fill++] = static_cast<std::uint16_t>(group[std::countr_zero(m)] << up);
        m &= m - 1;
      }
    }
    const std::size_t nblocks = nz_fill / 8;
    arch::planes_b8(nz, nblocks, w, planes);
    arch::dbx_b8(planes, nblocks, w, recs);
    emit_blocks_b8(bpc, nz, recs, nblocks, w, runs);
    std::copy(nz + nblocks * 8, nz + nz_fill, nz);
    nz_fill -= nblocks * 8;
  }
  if (zero_run != 0) {
    znz.add(zero_run - 1, 1 + z_nbits);
    znz.flush();
  }
  if (nz_fill != 0) {
    std::fill(nz + nz_fill, nz + 8, std::uint16_t{0});  // pad the last block with zero words
    arch::planes_b8(nz, 1, w, planes);
    arch::dbx_b8(planes, 1, w, recs);
    emit_blocks_b8(bpc, nz, recs, 1, w, runs);
  }
  znz_out = znz;
  bpc_out = bpc;
  return all;
}

template <class Word>
Result<EbpcSizes> encode_impl(std::span<const Word> words, const EbpcParams& params, std::span<std::uint8_t> znz_out,
                              std::span<std::uint8_t> bpc_out) noexcept {
  EBPC_TRY(detail::check_params(params));
  const unsigned w = params.word_nbits;
  EBPC_CHECK(w <= sizeof(Word) * 8, bad_parameter);
  EBPC_CHECK(znz_out.size() >= ebpc_znz_bound_nbytes(words.size(), params), output_too_small);
  EBPC_CHECK(bpc_out.size() >= ebpc_bpc_bound_nbytes(words.size(), params), output_too_small);
  if (params.block_nwords != 8 || w > 16) {
    return encode_generic(words, params, znz_out, bpc_out);
  }
  WideBitWriter znz(znz_out);
  WideBitWriter bpc(bpc_out);
  std::uint64_t all = 0;
  bool coded = false;
#if EBPC_ARCH_HAVE_AVX2
  if constexpr (sizeof(Word) <= 2) {  // the AVX2 encoder takes uint8 and uint16 buffers
    if (arch::use_avx2()) {
      all = detail::encode_b8_avx2(words, w, params.max_zero_run_nwords, znz, bpc);
      coded = true;
    }
  }
#endif
  if (!coded) {
    all = encode_fast_b8(words, w, params.max_zero_run_nwords, znz, bpc);
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
