// Kernels of the B = 16, W <= 16 EBPC decoder (the B = 16 side of
// src/codec/ebpc_decode_body.hpp), shared contract. Decode side only.
//
// A kernel set is a struct of static functions, like the B = 8 policies (unplane_b8.hpp):
//   using Bad;                       range-check failures, accumulated over many calls
//   Bad bad_none(); bool bad_any(const Bad&);
//   Consts consts(w);                per-call constants, W = 2..16
//   unplane2_narrow(recs, bases, k, out, bad)   W = 2..8: two blocks -> 32 bytes
//   unplane2_wide(recs, bases, k, out, bad)     W = 9..16: two blocks -> 32 uint16
// (recs: two records k_b16_stride apart, bases[0..1] their W-bit bases, 16 words a block.)
// Sets: ScalarUnplaneB16 (unplane_b16_scalar.hpp, the twin that says what the kernels
// compute), Sse2UnplaneB16 (unplane_b16_sse2.hpp, x86-64 baseline: one block at a time),
// Avx2UnplaneB16 (unplane_b16_avx2.hpp, AVX2, runtime dispatch: a block per 128-bit lane).
// tests/test_arch_decode_b16.cpp checks them against the twin; bench/bench_decode_kernels.cpp
// times them.
//
// Records (docs/stream-format.md "Decoding", B = 16): one per block, k_b16_stride bytes:
// uint16 entries 0..W (host byte order, entry p at bytes 2p, 2p+1) hold the block's DBX
// planes: entry p is DBX[p] (15 bits, d[1] in bit 14) or, with bit 15 set, "DBP[p] is all
// zero" (the planes' XOR chain restarts there). So plane p = (entry p has bit 15 ? 0 :
// plane p-1) ^ (entry p & 0x7fff), plane -1 = 0. The other entries are ignored. Word 0 of
// a block is its base; word i (1..15) is word i-1 plus the (W+1)-bit two's-complement
// delta whose bit q is bit 15-i of plane q. Words are written as W-bit patterns (mod 2^W);
// a word whose true value falls outside W signed bits sets the failure flag (the stream
// is corrupt: decode_block's check).
#pragma once

#include <cstddef>

namespace ebpc::arch {

inline constexpr std::size_t k_b16_stride = 48;  // 17 entries used, room for 8-byte stores

}  // namespace ebpc::arch
