// Kernels of the B = 16, W <= 16 EBPC decoder (the B = 16 side of
// src/codec/ebpc_decode_b8_body.hpp), shared contract. Decode side only.
//
// A kernel set is a struct of static functions, like the B = 8 policies (unplane_b8.hpp):
//   using Bad;                       range-check failures, accumulated over many calls
//   Bad bad_none(); bool bad_any(const Bad&);
//   Consts consts(w);                per-call constants, W = 2..16
//   unplane_narrow(rec, base, k, out, bad)   W = 2..8: one block -> 16 bytes
//   unplane_wide(rec, base, k, out, bad)     W = 9..16: one block -> 16 uint16
// Sets: ScalarUnplaneB16 (unplane_b16_scalar.hpp, the twin that says what the kernel
// computes), Sse2UnplaneB16 (unplane_b16_sse2.hpp, x86-64; the AVX2 instantiation of the
// decoder body uses it too). tests/test_arch_decode_b16.cpp checks it against the twin;
// bench/bench_decode_kernels.cpp times both.
//
// Records (spec "What the decoder needs", B = 16): one per block, k_b16_stride bytes:
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
