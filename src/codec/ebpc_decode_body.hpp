// The one body of the B = 8 and B = 16, W <= 16 EBPC decoder, compiled once per ISA (the
// way libdeflate's decompress_template.h is): the including file defines
//   EBPC_DECODE_TARGET     the function attribute (EBPC_TARGET_AVX2 from arch/cpu.hpp, or empty:
//                      GCC cannot make a target attribute depend on a template parameter)
//   EBPC_DECODE_NAMESPACE  the namespace in ebpc::detail that the entry points go in
//   EBPC_DECODE_KERNELS    the kernel policy (arch/unplane_b8.hpp: its kernels, each with a
//                      scalar twin in src/arch/)
//   EBPC_B16_KERNELS   the B = 16 block kernel (arch/unplane_b16.hpp, with its scalar twin)
// and includes this file once. Today: ebpc_decode_avx2.cpp (AVX2 + BMI2) and
// ebpc_decode_baseline.cpp (SSE2, or the scalar twins off x86-64).
//
// The structure is the plain decoder's (docs/stream-format.md "Decoding"), so that it reads
// exactly the bits decode_generic reads and reports the same errors: the output is taken
// in segments of k_seg words; (1) the segment's ZNZ symbols become a non-zero mask, (2)
// exactly the BPC blocks the segment needs are parsed, (3) a kernel rebuilds their words
// and checks the value range, (4) the non-zero words are scattered to the mask's set bits.
// An error is `truncated` when either stream has been read past its end at that point,
// `corrupt` otherwise; a block that does not parse counts with the BPC stream read past the
// symbols read of it, the failing one included.
//
// How each step is done:
// - Both streams are read through a byte pointer and a bit cursor with unconditional 8-byte
//   big-endian loads. A segment reads in place when the stream holds the segment's worst
//   case plus slack past the cursor, else from a zero-padded copy of the stream's tail
//   (zeros past the end, as BitReader gives; overrun = cursor past the stream's bits).
// - The parse is a serial chain of dependent table look-ups; the next segment's ZNZ (a job
//   of steps, its errors looked at only where a one-segment-at-a-time decoder would read
//   it) and the plane inversion of earlier blocks run inside the parse loop to fill the
//   chain's gaps.
// - BPC symbols are decoded with one 512-entry table look-up each (bpc_b8_decode_table.hpp)
//   into *DBX* bytes (a zero run writes nothing: the record is zeroed first), with the plane
//   index and the bit cursor in one register (one add per symbol); two '1' + DBX symbols in
//   a row take one look-up. '00001' (DBP all zero) is a flagged DBX byte (the planes' prefix
//   XOR is a segmented scan). Invalid codes make the plane count overshoot; such a block is
//   parsed again with a plain exact parser, which decides the error.
// - The kernels (policy EBPC_DECODE_KERNELS) rebuild four blocks at a time from their DBX
//   records and scatter the non-zero words.
// - B = 16 (template parameter kB) shares all of it but the block parse and rebuild: its
//   symbols are classified by one 512-entry look-up too (bpc_b16_decode_table.hpp; the
//   '1' symbol's 15 DBX bits are taken from the bit window, no pairs), the DBX planes are
//   16-bit record entries, and EBPC_B16_KERNELS rebuilds two blocks at a time, a pair
//   behind the parse; failing blocks go to an exact parser of their own.
//
// No include guard: one inclusion per translation unit, in a namespace of its own.

#include <ebpc/ebpc.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "arch/unplane_b16.hpp"
#include "arch/unplane_b8.hpp"
#include "codec/bpc_b16_decode_table.hpp"
#include "codec/bpc_symbols.hpp"
#include "codec/bpc_b8_decode_table.hpp"
#include "common/bitio.hpp"
#include "common/check.hpp"

#if !defined(EBPC_DECODE_TARGET) || !defined(EBPC_DECODE_NAMESPACE) || !defined(EBPC_DECODE_KERNELS) || \
    !defined(EBPC_B16_KERNELS)
#error "define EBPC_DECODE_TARGET, EBPC_DECODE_NAMESPACE, EBPC_DECODE_KERNELS and EBPC_B16_KERNELS before including ebpc_decode_body.hpp"
#endif

namespace ebpc::detail::EBPC_DECODE_NAMESPACE {

namespace {

using K = EBPC_DECODE_KERNELS;
using K16 = EBPC_B16_KERNELS;

constexpr std::size_t k_seg = 1024;  // words per segment
// BPC blocks one segment may need, and a block's most bytes (W = 16: the base and 17
// planes of at most B bits each: 152 bits for B = 8, 288 for B = 16).
template <unsigned kB>
constexpr std::size_t k_max_blocks = k_seg / kB;
template <unsigned kB>
constexpr std::size_t k_max_block_nbytes = (16 + 17 * kB) / 8 + 1;
// Reads go up to 8 bytes past the cursor's byte (one load_be64).
constexpr std::size_t k_read_slack = 16;
template <unsigned kB>
constexpr std::size_t k_bpc_tail_nbytes = k_max_blocks<kB> * k_max_block_nbytes<kB> + 2 * k_read_slack;
constexpr std::size_t k_znz_tail_nbytes = k_seg * 9 / 8 + 2 * k_read_slack;  // 1 + log2(Z) <= 9 bits a word

inline void store_u64(void* p, std::uint64_t v) noexcept { std::memcpy(p, &v, 8); }

// A stream read with a byte pointer and a bit cursor: in place, or from a zero-padded copy
// of its tail when fewer than need_nbytes remain past the cursor's byte.
struct StreamView {
  const std::uint8_t* src;  // src[0] is the stream's byte `first`
  std::uint64_t first;      // stream byte of src[0]
};

inline StreamView view_for(std::span<const std::uint8_t> in, std::uint64_t cursor_nbits, std::size_t need_nbytes,
                           std::uint8_t* tail, std::size_t tail_nbytes) noexcept {
  const std::uint64_t byte = cursor_nbits >> 3;
  const std::uint64_t left = byte < in.size() ? in.size() - byte : 0;
  if (left >= need_nbytes) {
    return {in.data() + byte, byte};
  }
  std::memset(tail, 0, tail_nbytes);
  if (left != 0) {
    std::memcpy(tail, in.data() + byte, static_cast<std::size_t>(left));
  }
  return {tail, byte};
}

// ---- ZNZ: one segment's symbols into masks (bit j of masks = word j non-zero), as a job
// of steps, so that the next segment's ZNZ can run interleaved with this segment's BPC
// parse (two independent chains of dependent loads). One step: a run of '1' bits and the
// zero-run code after it.
struct ZnzJob {
  const std::uint8_t* src;  // the view
  std::uint64_t first;      // stream byte of src[0]
  std::uint64_t c;          // bit cursor relative to src
  std::size_t j;            // words of the segment done
  std::size_t len;          // words in the segment
  std::size_t left;         // words from the segment's start to the end of the output
  std::size_t carry;        // zero words of a run that spills into the next segment
  std::uint64_t* masks;
  unsigned z_nbits;
  bool done;
  bool ok;  // false: a zero run past the end (the cursor is past its code)
};

inline EBPC_DECODE_TARGET void znz_step(ZnzJob& job) noexcept {
  const std::uint8_t* src = job.src;
  std::uint64_t c = job.c;
  std::size_t j = job.j;
  const std::size_t len = job.len;
  std::uint64_t* masks = job.masks;
  const std::uint64_t x = load_be64(src + (c >> 3)) << (c & 7);  // >= 57 valid bits
  // '1' bits: at most 57 counted (the low 7 bits cleared), so ~ is never 0.
  const auto ones = static_cast<unsigned>(__builtin_clzll(~(x & ~std::uint64_t{0x7f})));
  const auto take = static_cast<unsigned>(std::min<std::size_t>(std::min(ones, 48u), len - j));
  const std::uint64_t bits = K::low_ones(take);
  const unsigned at = static_cast<unsigned>(j & 63);
  masks[j >> 6] |= bits << at;
  masks[(j >> 6) + 1] |= (bits >> 1) >> (63 - at);
  c += take;
  j += take;
  if (j != len && take == ones) [[likely]] {
    // '0' + (run - 1), within the valid bits (take < 49).
    const std::size_t run = static_cast<std::size_t>(((x << take) << 1) >> (64 - job.z_nbits)) + 1;
    c += 1 + job.z_nbits;
    j += run;
    if (j > len) [[unlikely]] {
      if (j > job.left) {  // the run goes past the last word
        job.ok = false;
        job.done = true;
      } else {
        job.carry = j - len;
      }
      j = len;
    }
  }
  job.c = c;
  job.j = j;
  job.done = job.done || j >= len;
}

// Starts the ZNZ job of the segment [s, s + len): masks zeroed, the carried zero run taken.
inline void znz_start(ZnzJob& job, std::span<const std::uint8_t> in, std::uint64_t cursor_nbits, std::size_t len,
                      std::size_t left, std::size_t carry, unsigned z_nbits, std::uint64_t* masks,
                      std::uint8_t* tail) noexcept {
  const StreamView v = view_for(in, cursor_nbits, (len * 9 + 7) / 8 + k_read_slack, tail, k_znz_tail_nbytes);
  std::fill(masks, masks + k_seg / 64 + 1, std::uint64_t{0});
  job.src = v.src;
  job.first = v.first;
  job.c = cursor_nbits - v.first * 8;
  job.j = std::min(carry, len);
  job.carry = carry - job.j;
  job.len = len;
  job.left = left;
  job.masks = masks;
  job.z_nbits = z_nbits;
  job.ok = true;
  job.done = job.j >= len;
}

inline std::uint64_t znz_cursor(const ZnzJob& job) noexcept { return job.first * 8 + job.c; }

// ---- BPC block parsing into DBX records.

// The exact parser for the blocks the table loop gives up on: the planes symbol by symbol,
// then the DBX entries (B = 8: bytes, stride apart; B = 16: 16-bit entries). It accepts and
// rejects the codes as decode_block (bpc_block_decode.hpp) does for this B (the values are
// the kernels' to check), and c ends past the symbols read, the failing one included.
template <unsigned kB>
bool parse_block_exact(const std::uint8_t* src, std::uint64_t& c, unsigned w, unsigned lw, std::uint8_t* rec,
                       std::size_t stride, std::uint64_t& base) noexcept {
  static_assert(kB == 8 || kB == 16);
  constexpr unsigned idx_nbits = kB == 8 ? 3 : 4;
  struct Get {
    const std::uint8_t* src;
    std::uint64_t& c;
    unsigned peek(unsigned n) const noexcept {
      const std::uint64_t x = load_be64(src + (c >> 3)) << (c & 7);
      return n == 0 ? 0u : static_cast<unsigned>(x >> (64 - n));
    }
    unsigned operator()(unsigned n) const noexcept {
      const unsigned x = peek(n);
      c += n;
      return x;
    }
  } get{src, c};
  base = get(w);
  unsigned planes[17] = {};
  unsigned p = 0;
  unsigned prev = 0;
  while (p <= w) {
    const BpcSymbolCode code = bpc_code_at(ZeroRunCode::ebpc, get.peek(k_bpc_head_nbits));
    get(code.prefix_nbits);
    const unsigned field = get(bpc_field_nbits(code.field, kB, lw, idx_nbits));
    const BpcPlanes got = bpc_planes_of(code.symbol, field, prev, kB);
    if (!got.ok) {
      return false;
    }
    const unsigned plane = got.plane;
    const unsigned np = got.nplanes;
    if (p + np > w + 1) {
      return false;
    }
    for (unsigned k = 0; k < np; ++k) {
      planes[p + k] = plane;
    }
    p += np;
    prev = plane;
  }
  std::memset(rec, 0, stride);
  unsigned last = 0;
  for (unsigned q = 0; q <= w; ++q) {
    if constexpr (kB == 8) {
      rec[q] = static_cast<std::uint8_t>(planes[q] ^ last);
    } else {
      const auto e = static_cast<std::uint16_t>(planes[q] ^ last);
      std::memcpy(rec + 2 * q, &e, 2);
    }
    last = planes[q];
  }
  return true;
}

// One step (a symbol, or a pair of '1' + DBX symbols): s holds the bit position in buf
// (bits 0..5) and the plane index (bits 6..). Stores the DBX byte(s) at the plane. True
// when the planes reach lim = (W+1) << 6; v: the stored table value (pair: byte 1 != 0).
inline EBPC_DECODE_TARGET bool sym_step(std::uint64_t buf, std::uint64_t& s, const std::uint32_t* inc,
                                             const std::uint16_t* val, std::uint8_t* rec, std::uint64_t lim,
                                             std::uint64_t& v) noexcept {
  const std::uint64_t x = buf << (s & 63);
  const std::uint64_t idx = x >> 55;
  v = val[idx];
  // Byte 1: the second DBX of a pair (bits 48..54 of the window), else 0.
  store_u64(rec + (s >> 6), v & ((x >> 40) | 0xff));
  s += inc[idx];
  return s >= lim;
}

// Parses nblocks blocks from the cursor c (relative to src) into DBX records (stride bytes
// each, bytes 0..W) and bases (W <= 8: top-aligned bytes; W > 8: 16-bit), and rebuilds
// their words into out (8 per block; up to 3 blocks' worth past them are written too).
// Returns the index of the first block that does not parse (c then past the symbols read
// of it, the failing one included), or nblocks. in_range: false when a value falls outside
// W signed bits (only meaningful when all blocks parse). Each block also runs one step of
// zjob (the next segment's ZNZ) while it is not done.
template <bool kWide>
EBPC_DECODE_TARGET std::size_t parse_blocks(const std::uint8_t* src, std::uint64_t& c_io, unsigned w,
                                          std::size_t nblocks, std::uint8_t* recs, std::uint8_t* bases8,
                                          std::uint16_t* bases16, void* out_v, bool& in_range,
                                          ZnzJob* zjob) noexcept {
  constexpr std::size_t stride = kWide ? arch::k_wide_stride : arch::k_narrow_stride;
  const unsigned lw = ceil_log2(w);
  const std::uint32_t* inc = k_sym_split.inc[lw - 1];
  const std::uint16_t* val = k_sym_split.val[lw - 1];
  const std::uint64_t lim = std::uint64_t{w + 1} << 6;
  const unsigned base_up = kWide ? 0 : 8 - w;
  [[maybe_unused]] const typename K::NarrowConsts nk = K::narrow_consts(kWide ? 8 : w);
  [[maybe_unused]] const typename K::WideConsts wk = K::wide_consts(kWide ? w : 16);
  typename K::Bad bad = K::bad_none();
  std::uint64_t c = c_io;
  ZnzJob zj = *zjob;  // a local (in registers: the byte stores below cannot alias it)
  for (std::size_t b = 0; b < nblocks; ++b) {
    if (!zj.done) {
      znz_step(zj);  // the next segment's ZNZ, independent of this chain
    }
    if ((b & 1) == 0 && !zj.done) {
      znz_step(zj);  // (a segment has more ZNZ steps than blocks)
    }
    std::uint8_t* rec = recs + b * stride;
    std::memset(rec, 0, stride);
    const std::uint8_t* q = src + (c >> 3);
    std::uint64_t buf = load_be64(q);
    std::uint64_t s = c & 7;
    std::uint64_t base = (buf << s) >> (64 - w);
    s += w;
    // A step starting at bit 48 or less has its 16 bits in buf: from s <= 7 + W, three
    // steps for W <= 8 and two for W > 8; after a reload (s <= 7) three.
    std::uint64_t e = 0;
    bool done = sym_step(buf, s, inc, val, rec, lim, e) || sym_step(buf, s, inc, val, rec, lim, e) ||
                (!kWide && sym_step(buf, s, inc, val, rec, lim, e));
    while (!done) {
      const std::uint64_t t = s & 56;
      q += t >> 3;
      s -= t;
      buf = load_be64(q);
      done = sym_step(buf, s, inc, val, rec, lim, e) || sym_step(buf, s, inc, val, rec, lim, e) ||
             sym_step(buf, s, inc, val, rec, lim, e);
    }
    if ((s >> 6) == w + 1) [[likely]] {
      c = static_cast<std::uint64_t>(q - src) * 8 + (s & 63);
    } else if ((s >> 6) == w + 2 && (e & 0xff00) != 0) {
      c = static_cast<std::uint64_t>(q - src) * 8 + (s & 63) - 8;  // the pair's second '1' is the next block's
    } else if (!parse_block_exact<8>(src, c, w, lw, rec, stride, base)) {
      c_io = c;
      *zjob = zj;
      return b;
    }
    if constexpr (kWide) {
      bases16[b] = static_cast<std::uint16_t>(base);
    } else {
      bases8[b] = static_cast<std::uint8_t>(base << base_up);
    }
    if ((b & 3) == 3 && b >= 7) {
      // The group before the last one: its records have left the store buffer (a load
      // right after the byte stores would wait for them).
      const std::size_t b0 = b - 7;
      if constexpr (kWide) {
        K::unplane4_wide(recs + b0 * stride, bases16 + b0, w, wk, static_cast<std::uint16_t*>(out_v) + 8 * b0, bad);
      } else {
        K::unplane4_narrow(recs + b0 * stride, bases8 + b0, w, nk, static_cast<std::uint8_t*>(out_v) + 8 * b0, bad);
      }
    }
  }
  c_io = c;
  *zjob = zj;
  const std::size_t b0 = nblocks & ~std::size_t{3};
  if (b0 >= 4) {  // the last whole group
    if constexpr (kWide) {
      K::unplane4_wide(recs + (b0 - 4) * stride, bases16 + b0 - 4, w, wk,
                    static_cast<std::uint16_t*>(out_v) + 8 * (b0 - 4), bad);
    } else {
      K::unplane4_narrow(recs + (b0 - 4) * stride, bases8 + b0 - 4, w, nk,
                      static_cast<std::uint8_t*>(out_v) + 8 * (b0 - 4), bad);
    }
  }
  if (b0 < nblocks) {
    // The last 1..3 blocks, with zero blocks after them (in range; their words are not used).
    for (std::size_t b = nblocks; b < b0 + 4; ++b) {
      std::memset(recs + b * stride, 0, stride);
      bases8[b] = 0;
      bases16[b] = 0;
    }
    if constexpr (kWide) {
      K::unplane4_wide(recs + b0 * stride, bases16 + b0, w, wk, static_cast<std::uint16_t*>(out_v) + 8 * b0, bad);
    } else {
      K::unplane4_narrow(recs + b0 * stride, bases8 + b0, w, nk, static_cast<std::uint8_t*>(out_v) + 8 * b0, bad);
    }
  }
  in_range = !K::bad_any(bad);
  return nblocks;
}

// ---- B = 16 block parsing into records of 16-bit DBX entries (arch/unplane_b16.hpp).

// One B = 16 symbol: s holds the bit position in buf (bits 0..5) and the plane index (bits
// 6..). Stores the DBX entry at the plane (zero runs store 0: the record is zeroed first).
// True when the planes reach lim = (W+1) << 6.
inline EBPC_DECODE_TARGET bool sym_step16(std::uint64_t buf, std::uint64_t& s, const std::uint32_t* inc,
                                      std::uint8_t* rec, std::uint64_t lim) noexcept {
  const std::uint64_t top = (buf << (s & 63)) >> 48;  // the next 16 bits
  const std::uint64_t idx = top >> 7;
  const auto dbx = static_cast<std::uint16_t>(k_sym_b16.lit[idx] | (top & k_sym_b16.raw[idx]));
  std::memcpy(rec + 2 * (s >> 6), &dbx, 2);
  s += inc[idx];
  return s >= lim;
}

// Blocks b, b+1: their words (16 each) from their records and bases into out (bytes for
// W <= 8, else uint16).
template <bool kWide>
inline EBPC_DECODE_TARGET void unplane16(const std::uint8_t* recs, const std::uint16_t* bases, std::size_t b,
                                     const typename K16::Consts& k, void* out_v, typename K16::Bad& bad) noexcept {
  if constexpr (kWide) {
    K16::unplane2_wide(recs + b * arch::k_b16_stride, bases + b, k, static_cast<std::uint16_t*>(out_v) + 16 * b, bad);
  } else {
    K16::unplane2_narrow(recs + b * arch::k_b16_stride, bases + b, k, static_cast<std::uint8_t*>(out_v) + 16 * b,
                         bad);
  }
}

// As parse_blocks, for B = 16: parses nblocks blocks from the cursor c (relative to src)
// into records and bases, and rebuilds their words into out (16 per block; an odd count
// writes one block's worth past them, and uses one record and base past them). Returns the
// index of the first block that does not parse (c then past the symbols read of it, the
// failing one included), or nblocks. in_range: false when a value falls outside W signed
// bits (only meaningful when all blocks parse). Each block also runs up to three steps of
// zjob (the next segment's ZNZ) while it is not done.
template <bool kWide>
EBPC_DECODE_TARGET std::size_t parse_blocks16(const std::uint8_t* src, std::uint64_t& c_io, unsigned w,
                                          std::size_t nblocks, std::uint8_t* recs, std::uint16_t* bases,
                                          void* out_v, bool& in_range, ZnzJob* zjob) noexcept {
  constexpr std::size_t stride = arch::k_b16_stride;
  const unsigned lw = ceil_log2(w);
  const std::uint32_t* inc = k_sym_b16.inc[lw - 1];
  const std::uint64_t lim = std::uint64_t{w + 1} << 6;
  const typename K16::Consts k = K16::consts(w);
  typename K16::Bad bad = K16::bad_none();
  std::uint64_t c = c_io;
  ZnzJob zj = *zjob;  // a local (in registers: the stores below cannot alias it)
  for (std::size_t b = 0; b < nblocks; ++b) {
    for (int step = 0; step < 3 && !zj.done; ++step) {
      znz_step(zj);  // the next segment's ZNZ, independent of this chain
    }
    std::uint8_t* rec = recs + b * stride;
    std::memset(rec, 0, stride);
    const std::uint8_t* q = src + (c >> 3);
    std::uint64_t buf = load_be64(q);
    std::uint64_t s = c & 7;
    std::uint64_t base = (buf << s) >> (64 - w);
    s += w;
    // A step starting at bit 48 or less has its 16 bits in buf: from s <= 7 + W, three
    // steps for W <= 8 and two for W > 8; after a reload (s <= 7) three.
    bool done = sym_step16(buf, s, inc, rec, lim) || sym_step16(buf, s, inc, rec, lim) ||
                (!kWide && sym_step16(buf, s, inc, rec, lim));
    while (!done) {
      const std::uint64_t t = s & 56;
      q += t >> 3;
      s -= t;
      buf = load_be64(q);
      done = sym_step16(buf, s, inc, rec, lim) || sym_step16(buf, s, inc, rec, lim) ||
             sym_step16(buf, s, inc, rec, lim);
    }
    if ((s >> 6) == w + 1) [[likely]] {
      c = static_cast<std::uint64_t>(q - src) * 8 + (s & 63);
    } else if (!parse_block_exact<16>(src, c, w, lw, rec, arch::k_b16_stride, base)) {
      c_io = c;
      *zjob = zj;
      return b;
    }
    bases[b] = static_cast<std::uint16_t>(base);
    if ((b & 1) != 0 && b >= 3) {
      // The pair before the last one: its record stores have left the store buffer.
      unplane16<kWide>(recs, bases, b - 3, k, out_v, bad);
    }
  }
  c_io = c;
  *zjob = zj;
  std::size_t b = nblocks >= 4 ? (nblocks - 2) & ~std::size_t{1} : 0;  // the first pair not rebuilt
  if ((nblocks & 1) != 0) {
    // The last block with a zero block after it (in range; its words are not used).
    std::memset(recs + nblocks * stride, 0, stride);
    bases[nblocks] = 0;
  }
  for (; b < nblocks; b += 2) {
    unplane16<kWide>(recs, bases, b, k, out_v, bad);
  }
  in_range = !K16::bad_any(bad);
  return nblocks;
}

inline tl::unexpected<Error> fail(bool overrun) noexcept {
  return tl::unexpected(overrun ? Error::truncated : Error::corrupt);
}

// kB: the block size, 8 or 16 (params.block_nwords).
template <class Word, bool kWide, unsigned kB>
EBPC_DECODE_TARGET Result<EbpcConsumed> decode_b8(std::span<const std::uint8_t> znz_in,
                                                std::span<const std::uint8_t> bpc_in, const EbpcParams& params,
                                                std::span<Word> out) noexcept {
  static_assert(kB == 8 || kB == 16);
  using Val = std::conditional_t<kWide, std::uint16_t, std::uint8_t>;
  constexpr std::size_t stride =
      kB == 16 ? arch::k_b16_stride : kWide ? arch::k_wide_stride : arch::k_narrow_stride;
  constexpr std::size_t max_blocks = k_max_blocks<kB>;
  const unsigned w = params.word_nbits;
  const unsigned z_nbits = ceil_log2(params.max_zero_run_nwords);
  const std::uint64_t znz_total = std::uint64_t{znz_in.size()} * 8;
  const std::uint64_t bpc_total = std::uint64_t{bpc_in.size()} * 8;
  std::uint64_t zc = 0;  // bits consumed
  std::uint64_t bc = 0;
  alignas(32) Val nzv[k_seg + 64];
  alignas(32) std::uint8_t recs[(max_blocks + 4) * stride];
  alignas(32) std::uint8_t bases8[max_blocks + 4];
  alignas(32) std::uint16_t bases16[max_blocks + 4];
  alignas(32) std::uint64_t masks_a[k_seg / 64 + 1];
  alignas(32) std::uint64_t masks_b[k_seg / 64 + 1];
  alignas(32) std::uint8_t tail[k_bpc_tail_nbytes<kB>];
  alignas(32) std::uint8_t ztail[k_znz_tail_nbytes];
  std::size_t nz_pos = 0;
  std::size_t nz_end = 0;
  const std::size_t n = out.size();
  // The ZNZ job of segment s runs (mostly) during the BPC parse of segment s - k_seg. Its
  // result is looked at where a decoder taking one segment at a time would read those
  // symbols: after segment s - k_seg is done, so errors come in that order and with those
  // overrun states (zc is the cursor after the current segment's ZNZ, not the job's).
  ZnzJob job{};
  std::uint64_t* masks = masks_a;
  if (n != 0) {
    znz_start(job, znz_in, 0, std::min(k_seg, n), n, 0, z_nbits, masks, ztail);
  }
  for (std::size_t s = 0; s < n; s += k_seg) {
    const std::size_t len = std::min(k_seg, n - s);
    {
      ZnzJob zj = job;
      while (!zj.done) {
        znz_step(zj);
      }
      job = zj;
    }
    zc = znz_cursor(job);
    if (!job.ok) [[unlikely]] {
      return fail(zc > znz_total || bc > bpc_total);
    }
    EBPC_CHECK(zc <= znz_total, truncated);
    masks = job.masks;
    std::uint64_t* next_masks = masks == masks_a ? masks_b : masks_a;
    if (s + k_seg < n) {
      znz_start(job, znz_in, zc, std::min(k_seg, n - s - k_seg), n - s - k_seg, job.carry, z_nbits, next_masks,
                ztail);
    } else {
      job.done = true;
    }
    std::size_t count = 0;
    for (unsigned g = 0; g < k_seg / 64; ++g) {
      count += static_cast<std::size_t>(K::popcount64(masks[g]));
    }
    const std::size_t avail = nz_end - nz_pos;
    if (avail < count) {
      std::memmove(nzv, nzv + nz_pos, avail * sizeof(Val));
      nz_pos = 0;
      nz_end = avail;
      const std::size_t nblocks = (count - avail + kB - 1) / kB;
      const StreamView v = view_for(bpc_in, bc, nblocks * k_max_block_nbytes<kB> + k_read_slack, tail,
                                    k_bpc_tail_nbytes<kB>);
      std::uint64_t c = bc - v.first * 8;
      bool in_range = true;
      std::size_t parsed;
      if constexpr (kB == 16) {
        parsed = parse_blocks16<kWide>(v.src, c, w, nblocks, recs, bases16, nzv + nz_end, in_range, &job);
      } else {
        parsed = parse_blocks<kWide>(v.src, c, w, nblocks, recs, bases8, bases16, nzv + nz_end, in_range, &job);
      }
      bc = v.first * 8 + c;
      if (parsed != nblocks) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
      EBPC_CHECK(bc <= bpc_total, truncated);
      if (!in_range) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
      nz_end += nblocks * kB;
    }
    const auto* mbytes = reinterpret_cast<const std::uint8_t*>(masks);
    if constexpr (kWide) {
      K::scatter_wide(mbytes, len, nzv + nz_pos, out.data() + s);
      if (K::any_zero_u16(nzv + nz_pos, count)) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
    } else {
      K::scatter_narrow(mbytes, len, nzv + nz_pos, out.data() + s);
      if (K::any_zero_u8(nzv + nz_pos, count)) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
    }
    nz_pos += count;
  }
  return EbpcConsumed{zc, bc};
}

template <class Word, unsigned kB>
EBPC_DECODE_TARGET Result<EbpcConsumed> decode_width(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                                 const EbpcParams& params, std::span<Word> out) noexcept {
  if constexpr (sizeof(Word) == 1) {
    return decode_b8<Word, false, kB>(znz, bpc, params, out);
  } else {
    if (params.word_nbits <= 8) {
      return decode_b8<Word, false, kB>(znz, bpc, params, out);
    }
    return decode_b8<Word, true, kB>(znz, bpc, params, out);
  }
}

template <class Word>
EBPC_DECODE_TARGET Result<EbpcConsumed> decode_dispatch(std::span<const std::uint8_t> znz,
                                                    std::span<const std::uint8_t> bpc, const EbpcParams& params,
                                                    std::span<Word> out) noexcept {
  if (params.block_nwords == 16) {
    return decode_width<Word, 16>(znz, bpc, params, out);
  }
  return decode_width<Word, 8>(znz, bpc, params, out);
}

}  // namespace

Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  return decode_dispatch(znz, bpc, params, words_out);
}
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  return decode_dispatch(znz, bpc, params, words_out);
}
Result<EbpcConsumed> decode(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                            const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  return decode_dispatch(znz, bpc, params, words_out);
}

const char* kernels_name() noexcept { return K::k_name; }

}  // namespace ebpc::detail::EBPC_DECODE_NAMESPACE
