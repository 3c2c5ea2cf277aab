// The EBPC encoder fast path, B = 8 and B = 16, W = 2..16: written once, compiled once per ISA.
//
// Include it once per target (as libdeflate's decompress_template.h), with
//   EBPC_ENCODE_TARGET     the target attribute of every function (EBPC_TARGET_AVX2, or nothing)
//   EBPC_ENCODE_NAMESPACE  the namespace under ebpc::detail the body goes into (one per
//                          target, so that nothing of one target's code can be linked in
//                          place of another's)
//   EBPC_ENCODE_KERNELS    that target's kernel policy (src/arch/encode_kernels*.hpp:
//                          EncodeKernelsAvx2, EncodeKernelsSse2, EncodeKernelsScalar)
// It defines that namespace's encode() overloads (codec/ebpc_encode_fast.hpp).
//
// The input is taken in segments of k_seg words: (1) a non-zero mask per 64 words drives
// the ZNZ stream (Z = 16: one table look-up per 8 words, one write per 16; other Z: one
// write per zero run and the '1' bits after it; znz_emit.hpp); (2) the
// non-zero words are compacted; then the blocks are coded arch::k_group at a time,
// plane-major (byte lane j of every row = block j): (3) the delta bit-planes, (4) every
// plane's symbol (docs/stream-format.md "BPC symbols") with the runs of all-zero DBX
// planes, (5) the base and the plane codes of each block joined into pieces of at most 56
// bits, (6) each piece into the BPC stream with one branch-free add + flush. B = 16 shares
// (1) and (2) and codes one block at a time (arch/encode_b16.hpp: K::planes_b16, then
// code_block_b16).
//
// The result is checked bit for bit against the reference coder on uint8, uint16 and
// uint32 buffers (tests/test_encode_narrow.cpp, tests/test_ebpc_roundtrip.cpp; ctest runs
// them again with EBPC_ISA=baseline) and by fuzz/fuzz_ebpc_roundtrip.cpp.
// No include guard on purpose: one inclusion per target.

#include <algorithm>
#include <cstdint>
#include <span>

#include "arch/encode_b16.hpp"
#include "arch/encode_kernels.hpp"
#include "codec/znz_emit.hpp"
#include "common/bitio.hpp"

#if !defined(EBPC_ENCODE_NAMESPACE) || !defined(EBPC_ENCODE_KERNELS)
#error "define EBPC_ENCODE_TARGET, EBPC_ENCODE_NAMESPACE and EBPC_ENCODE_KERNELS first"
#endif

namespace ebpc::detail::EBPC_ENCODE_NAMESPACE {

// ---- (6) The pieces of blocks [0, nblocks) into the stream, one add + flush each.
template <unsigned NPieces>
EBPC_ENCODE_TARGET inline void emit_group(WideBitWriter& bpc, const arch::EncodeGroup& g, unsigned nblocks) noexcept {
  for (unsigned j = 0; j < nblocks; ++j) {
    for (unsigned k = 0; k < NPieces; ++k) {
      bpc.add(g.piece[k][j], static_cast<unsigned>(g.piece_len[k][j]));
      bpc.flush();
    }
  }
}

EBPC_ENCODE_TARGET inline void emit_any(WideBitWriter& bpc, const arch::EncodeGroup& g, unsigned nblocks,
                                     unsigned npieces) noexcept {
  switch (npieces) {
    case 1: emit_group<1>(bpc, g, nblocks); break;
    case 2: emit_group<2>(bpc, g, nblocks); break;
    default: emit_group<3>(bpc, g, nblocks); break;
  }
}

template <class K, unsigned WT, class Nz>
EBPC_ENCODE_TARGET inline void code_group(const Nz* nz, unsigned nblocks, unsigned w, const arch::PiecePlan& plan,
                                       arch::EncodeGroup& g, WideBitWriter& bpc) noexcept {
  K::template planes_group<WT>(nz, w, g);
  K::template classify_group<WT>(g, w);
  K::template pieces_group<WT>(g, w, plan);
  emit_any(bpc, g, nblocks, WT != 0 ? arch::make_piece_plan(WT).npieces : plan.npieces);
}

// Codes words (W = w, B = 8, Z = z; the caller has checked the parameters and the output
// bounds) into the two writers and returns the OR of all words, for the caller's check of
// bits above W (when there are any, the streams are unspecified). WT: W when a
// compile-time constant (its plane loops unrolled), else 0.
// B = 16: one block of nz at a time.
template <class K, unsigned WT, class Nz>
EBPC_ENCODE_TARGET inline void code_block16(const Nz* nz, unsigned w, WideBitWriter& bpc) noexcept {
  alignas(16) std::uint16_t planes[arch::k_b16_planes_cap];
  alignas(16) std::uint32_t code[arch::k_b16_planes_cap];
  alignas(16) std::uint32_t len[arch::k_b16_planes_cap];
  const unsigned wc = WT != 0 ? WT : w;
  const std::uint32_t base = K::planes_b16(nz, wc, planes);
  for (unsigned p = wc + 1; p < arch::k_b16_planes_cap; ++p) {
    planes[p] = 0;  // read (and ignored) by the SIMD codes
  }
  K::codes_b16(planes, wc, code, len);
  for (unsigned p = wc + 1; p < wc + 4; ++p) {
    code[p] = 0;
    len[p] = 0;
  }
  arch::join_b16<WT>(code, len, base, w, bpc);
}

template <class K, unsigned B, unsigned WT, class Word>
EBPC_ENCODE_TARGET std::uint64_t encode_words(std::span<const Word> words, unsigned w, unsigned z,
                                          WideBitWriter& znz_out, WideBitWriter& bpc_out) noexcept {
  static_assert(B == 8 || B == 16);
  // uint8 words are coded as bytes (W <= 8), wider ones as 16-bit words (W <= 16).
  using Nz = std::conditional_t<sizeof(Word) == 1, std::uint8_t, std::uint16_t>;
  constexpr std::size_t k_seg = 4096;  // words per segment
  constexpr std::size_t group_nwords = B == 8 ? 8 * arch::k_group : 16;  // B = 16: one block
  // The writers live in locals: the stores of the loops cannot alias them.
  WideBitWriter znz = znz_out;
  WideBitWriter bpc = bpc_out;
  const unsigned z_nbits = ceil_log2(z);
  const arch::PiecePlan plan = arch::make_piece_plan(w);
  alignas(32) Nz nz[group_nwords + k_seg + 16];  // leftover (< one group) + a segment + compaction slack
  alignas(32) arch::EncodeGroup g;
  std::uint64_t masks[k_seg / 64];
  std::size_t nz_fill = 0;
  unsigned zero_run = 0;
  typename K::Acc all_v = K::acc_zero();
  std::uint64_t all = 0;
  const std::size_t n = words.size();
  const Word* in = words.data();
  for (std::size_t i = 0; i < n; i += k_seg) {
    const std::size_t len = std::min(k_seg, n - i);
    const std::size_t full = len / 64;
    for (std::size_t k = 0; k < full; ++k) {
      masks[k] = K::nonzero_mask64(in + i + 64 * k, all_v);
    }
    for (std::size_t k = 0; k < full; ++k) {
      if (z == 16) {
        emit_znz64_z16(znz, masks[k], zero_run);
      } else {
        emit_znz64(znz, masks[k], zero_run, z, z_nbits);
      }
      nz_fill += K::compact64(in + i + 64 * k, masks[k], nz + nz_fill);
    }
    if (len % 64 != 0) {  // the last words of the input
      const Word* tail = in + i + 64 * full;
      const auto count = static_cast<unsigned>(len % 64);
      std::uint64_t m = 0;
      for (unsigned j = 0; j < count; ++j) {
        all |= tail[j];
        m |= std::uint64_t{tail[j] != 0} << j;
      }
      emit_znz(znz, m, count, zero_run, z, z_nbits);
      for (unsigned j = 0; j < count; ++j) {
        if (tail[j] != 0) {
          nz[nz_fill++] = static_cast<Nz>(tail[j]);
        }
      }
    }
    std::size_t done = 0;
    for (; done + group_nwords <= nz_fill; done += group_nwords) {
      if constexpr (B == 8) {
        code_group<K, WT>(nz + done, arch::k_group, w, plan, g, bpc);
      } else {
        code_block16<K, WT>(nz + done, w, bpc);
      }
    }
    std::copy(nz + done, nz + nz_fill, nz);
    nz_fill -= done;
  }
  if (zero_run != 0) {
    znz.add(zero_run - 1, 1 + z_nbits);
    znz.flush();
  }
  if (nz_fill != 0) {
    // The last block is padded with zero words; the lanes after it are not written out.
    std::fill(nz + nz_fill, nz + group_nwords, Nz{0});
    if constexpr (B == 8) {
      code_group<K, WT>(nz, static_cast<unsigned>((nz_fill + 7) / 8), w, plan, g, bpc);
    } else {
      code_block16<K, WT>(nz, w, bpc);
    }
  }
  znz_out = znz;
  bpc_out = bpc;
  return all | K::template acc_fold<Word>(all_v);
}

// W = 8 (uint8) and W = 16 (wider words) with their plane loops unrolled; other W at run time.
template <class K, unsigned B, class Word>
EBPC_ENCODE_TARGET std::uint64_t encode_b8(std::span<const Word> words, unsigned w, unsigned z, WideBitWriter& znz,
                                           WideBitWriter& bpc) noexcept {
  constexpr unsigned k_unrolled = sizeof(Word) == 1 ? 8 : 16;
  return w == k_unrolled ? encode_words<K, B, k_unrolled>(words, w, z, znz, bpc)
                         : encode_words<K, B, 0>(words, w, z, znz, bpc);
}

EBPC_ENCODE_TARGET std::uint64_t encode(std::span<const std::uint8_t> words, unsigned w, unsigned b, unsigned z,
                                        WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return b == 16 ? encode_b8<EBPC_ENCODE_KERNELS, 16>(words, w, z, znz, bpc)
                 : encode_b8<EBPC_ENCODE_KERNELS, 8>(words, w, z, znz, bpc);
}
EBPC_ENCODE_TARGET std::uint64_t encode(std::span<const std::uint16_t> words, unsigned w, unsigned b, unsigned z,
                                        WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return b == 16 ? encode_b8<EBPC_ENCODE_KERNELS, 16>(words, w, z, znz, bpc)
                 : encode_b8<EBPC_ENCODE_KERNELS, 8>(words, w, z, znz, bpc);
}
EBPC_ENCODE_TARGET std::uint64_t encode(std::span<const std::uint32_t> words, unsigned w, unsigned b, unsigned z,
                                        WideBitWriter& znz, WideBitWriter& bpc) noexcept {
  return b == 16 ? encode_b8<EBPC_ENCODE_KERNELS, 16>(words, w, z, znz, bpc)
                 : encode_b8<EBPC_ENCODE_KERNELS, 8>(words, w, z, znz, bpc);
}

}  // namespace ebpc::detail::EBPC_ENCODE_NAMESPACE
