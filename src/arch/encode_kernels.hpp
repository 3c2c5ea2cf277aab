// Kernels of the EBPC B = 8 encoder (W = 2..16), and their scalar twins.
//
// The encoder body (src/codec/ebpc_encode_body.hpp) is written once over a kernel
// policy: EncodeKernelsScalar (this file: the twins, plain C++ that states what each kernel
// computes), EncodeKernelsSse2 (encode_kernels_sse2.hpp, the x86-64 baseline) and EncodeKernelsAvx2
// (encode_kernels_avx2.hpp, AVX2 + BMI2). Every policy has the same members with the same
// results on the bytes this file calls defined; tests/test_arch_encode.cpp checks each
// kernel against its twin on seeded random inputs, bench/bench_kernels.cpp times them.
//
// The blocks are coded k_group at a time, plane-major: byte j of every row of an
// EncodeGroup belongs to block j (docs/stream-format.md "Block transform" and "BPC symbols":
// delta bit-planes, their XOR planes, the symbol of each plane and the runs of all-zero DBX
// planes).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "arch/encode_b16.hpp"
#include "codec/bpc_symbols.hpp"
#include "common/check.hpp"

namespace ebpc::arch {

inline constexpr unsigned k_group = 32;       // blocks coded together (one byte lane each)
inline constexpr unsigned k_max_planes = 17;  // W + 1 for W = 16
inline constexpr unsigned k_max_pieces = 3;   // pieces of <= 56 bits: W + (W + 1) * 8 <= 152 bits

// Plane-major scratch of one group of up to k_group blocks.
struct EncodeGroup {
  // planes[p][j]: DBP[p] of block j, bit i = bit p of d[i] = v[i] - v[i-1] ((W+1)-bit two's
  // complement), i = 1..7. Bit 0 is unspecified.
  alignas(32) std::uint8_t planes[k_max_planes][k_group];
  // code[p][j], len[p][j]: the bits put at plane p (<= 8) and how many (0 inside a zero run:
  // a run's code sits on its lowest plane).
  alignas(32) std::uint8_t code[k_max_planes][k_group];
  alignas(32) std::uint8_t len[k_max_planes][k_group];
  alignas(32) std::uint16_t base[k_group];  // v[0] (W-bit pattern)
  // piece[k][j], piece_len[k][j]: block j's base and plane codes cut into <= 56-bit pieces.
  alignas(32) std::uint64_t piece[k_max_pieces][k_group];
  alignas(32) std::uint64_t piece_len[k_max_pieces][k_group];
};

// How the W + 1 plane codes (<= 8 bits each) and the base (W bits) are cut into pieces of
// at most 56 bits (one WideBitWriter::add each): piece 0 is the base and the first
// planes, then 7 planes per piece.
struct PiecePlan {
  unsigned npieces;
  unsigned first[k_max_pieces + 1];  // planes [first[k], first[k+1]) form piece k
};

constexpr PiecePlan make_piece_plan(unsigned w) noexcept {
  PiecePlan plan{};
  plan.first[0] = 0;
  plan.first[1] = std::min((56 - w) / 8, w + 1);
  plan.npieces = 1;
  while (plan.first[plan.npieces] < w + 1) {
    const unsigned p = std::min(plan.first[plan.npieces] + 7, w + 1);
    plan.first[++plan.npieces] = p;
  }
  return plan;
}

// The code of a non-zero DBX byte (bit i = DBX bit of d[i], bit 0 clear) whose DBP is not
// all zero, and its length (docs/stream-format.md "BPC symbols", in the table's order): DBX
// all ones '00000'; two adjacent ones '00010' + index; one one '00011' + index (the index:
// the table's position of the first '1', i.e. (lowest set bit here) - 1); else '1' + the 7
// DBX bits with d[1] first. The DBP-all-zero case ('00001') and zero runs are the caller's.
struct DbxCodes {
  std::uint8_t code[256];
  std::uint8_t len[256];
  constexpr DbxCodes() : code(), len() {
    for (unsigned x = 0; x < 256; ++x) {
      const unsigned dbx = x & 0xfe;
      unsigned stream_dbx = 0;  // the B-1 = 7 DBX bits in stream order, d[1] first
      for (unsigned i = 1; i < 8; ++i) {
        stream_dbx |= ((dbx >> i) & 1u) << (7 - i);
      }
      // (DBX 0 is never looked up: zero planes are the caller's.)
      const detail::BpcCodeword c = stream_dbx == 0 ? detail::BpcCodeword{0x80, 8}
                                                   : detail::bpc_plane_codeword(stream_dbx, 1, 8, 3);
      code[x] = static_cast<std::uint8_t>(c.bits);
      len[x] = static_cast<std::uint8_t>(c.nbits);
    }
  }
};
inline constexpr DbxCodes k_dbx_codes{};

// ---- The scalar twins (and the kernels of targets without SIMD).
struct EncodeKernelsScalar {
  using K = detail::BpcKernelCodes<8>;

  // B = 16: the delta bit-planes and the base of one block (encode_b16.hpp).
  template <class Nz>
  static std::uint32_t planes_b16(const Nz* nz, unsigned w, std::uint16_t* planes) noexcept {
    return planes_b16_scalar(nz, w, planes);
  }
  static void codes_b16(const std::uint16_t* planes, unsigned w, std::uint32_t* code, std::uint32_t* len) noexcept {
    codes_b16_scalar(planes, w, code, len);
  }

  // The OR of every word seen (the caller checks it for bits above W).
  using Acc = std::uint64_t;
  static Acc acc_zero() noexcept { return 0; }
  template <class Word>
  static std::uint64_t acc_fold(Acc all) noexcept {
    return all;
  }

  // Bit j = (p[j] != 0), j = 0..63; ORs the words into all.
  template <class Word>
  static std::uint64_t nonzero_mask64(const Word* p, Acc& all) noexcept {
    std::uint64_t m = 0;
    for (unsigned j = 0; j < 64; ++j) {
      all |= p[j];
      m |= std::uint64_t{p[j] != 0} << j;
    }
    return m;
  }

  // The words of in[0..64) at the set bits of m, in order, to out (as Nz: uint16 keeps the
  // low 16 bits of a uint32 word). Returns popcount(m). out has room for 64 + 16 entries:
  // the SIMD kernels may write up to 16 past the count.
  template <class Word, class Nz>
  static unsigned compact64(const Word* in, std::uint64_t m, Nz* out) noexcept {
    unsigned n = 0;
    while (m != 0) {
      out[n++] = static_cast<Nz>(in[std::countr_zero(m)]);
      m &= m - 1;
    }
    return n;
  }

  // g.planes[0..W] and g.base of the k_group blocks of nz (8 words each, W-bit patterns;
  // bits above W are ignored). WT: W when a compile-time constant, else 0 (then w).
  template <unsigned WT, class Nz>
  static void planes_group(const Nz* nz, unsigned w_rt, EncodeGroup& g) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    const std::uint32_t keep_w = (1u << w) - 1;
    const unsigned shift = 32 - w;
    for (unsigned j = 0; j < k_group; ++j) {
      std::int32_t v[8];
      for (unsigned i = 0; i < 8; ++i) {
        // Sign-extend the W-bit pattern.
        v[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(nz[8 * j + i] & keep_w) << shift) >>
               static_cast<int>(shift);
      }
      for (unsigned p = 0; p <= w; ++p) {
        unsigned plane = 0;
        for (unsigned i = 1; i < 8; ++i) {
          const auto d = static_cast<std::uint32_t>(v[i] - v[i - 1]);  // exact in W + 1 bits
          plane |= ((d >> p) & 1u) << i;
        }
        g.planes[p][j] = static_cast<std::uint8_t>(plane);
      }
      g.base[j] = static_cast<std::uint16_t>(nz[8 * j] & keep_w);
    }
  }

  // g.code and g.len of planes 0..W from g.planes: going up, DBX[p] = DBP[p] ^ DBP[p-1]
  // (DBX[0] = DBP[0]); going down, each run of all-zero DBX planes gets its code ('01'
  // for one plane, '001' + (r - 2) for r >= 2, on ceil(log2 W) bits) on its lowest plane
  // and length 0 elsewhere; a non-zero DBX over an all-zero DBP is '00001'.
  template <unsigned WT>
  static void classify_group(EncodeGroup& g, unsigned w_rt) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    const unsigned lw = ceil_log2(w);
    for (unsigned j = 0; j < k_group; ++j) {
      unsigned run = 0;
      for (unsigned i = 0; i <= w; ++i) {
        const unsigned p = w - i;
        const unsigned cur = g.planes[p][j] & 0xfeu;
        const unsigned below = p > 0 ? g.planes[p - 1][j] & 0xfeu : 0u;
        const unsigned dbx = cur ^ below;
        if (dbx == 0) {
          ++run;
          const bool lowest = p == 0 || ((g.planes[p - 1][j] ^ (p > 1 ? g.planes[p - 2][j] : 0u)) & 0xfeu) != 0;
          if (lowest) {
            const detail::BpcCodeword c = detail::bpc_zero_run_codeword(detail::ZeroRunCode::ebpc, run, lw);
            g.code[p][j] = static_cast<std::uint8_t>(c.bits);
            g.len[p][j] = static_cast<std::uint8_t>(c.nbits);
          } else {
            g.code[p][j] = 0;
            g.len[p][j] = 0;
          }
          continue;
        }
        run = 0;
        if (cur == 0 && dbx != 0xfe) {
          g.code[p][j] = K::zero_dbp;
          g.len[p][j] = K::short_nbits;
        } else {
          g.code[p][j] = k_dbx_codes.code[dbx];
          g.len[p][j] = k_dbx_codes.len[dbx];
        }
      }
    }
  }

  // g.piece and g.piece_len of every block: piece k = the codes of planes
  // [plan.first[k], plan.first[k+1]) in plane order, piece 0 led by the W-bit base.
  template <unsigned WT>
  static void pieces_group(EncodeGroup& g, unsigned w_rt, const PiecePlan& plan) noexcept {
    const unsigned w = WT != 0 ? WT : w_rt;
    for (unsigned j = 0; j < k_group; ++j) {
      for (unsigned k = 0; k < plan.npieces; ++k) {
        std::uint64_t acc = k == 0 ? g.base[j] : 0;
        std::uint64_t acc_len = k == 0 ? w : 0;
        for (unsigned p = plan.first[k]; p < plan.first[k + 1]; ++p) {
          acc = (acc << g.len[p][j]) | g.code[p][j];
          acc_len += g.len[p][j];
        }
        g.piece[k][j] = acc;
        g.piece_len[k][j] = acc_len;
      }
    }
  }
};

}  // namespace ebpc::arch
