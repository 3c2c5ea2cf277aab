// EBPC decoder fast path for AVX2 + BMI2 CPUs (runtime dispatch: arch/cpu.hpp), B = 8, W <= 16.
//
// The structure is the baseline fast path's (ebpc_decode.cpp, decode_fast_b8), so that it
// reads exactly the same bits and reports exactly the same errors: the output is taken in
// segments of k_seg words; (1) the segment's ZNZ symbols become a non-zero mask, (2) exactly
// the BPC blocks the segment needs are parsed, (3) a SIMD kernel rebuilds their words and
// checks the value range, (4) the non-zero words are scattered to the mask's set bits.
// An error is `truncated` when either stream has been read past its end at that point,
// `corrupt` otherwise; a block that does not parse counts with the BPC stream read past the
// symbols the baseline's table loop reads of it.
//
// What differs is how each step is done:
// - Both streams are read through a byte pointer and a bit cursor with unconditional 8-byte
//   big-endian loads. A segment reads in place when the stream holds the segment's worst
//   case plus slack past the cursor, else from a zero-padded copy of the stream's tail
//   (zeros past the end, as BitReader gives; overrun = cursor past the stream's bits).
// - The parse is a serial chain of dependent table look-ups; the next segment's ZNZ (a job
//   of steps, its errors looked at only where the baseline would read it) and the plane
//   inversion of earlier blocks run inside the parse loop to fill the chain's gaps.
// - BPC symbols are decoded with one 512-entry table look-up each into *DBX* bytes (a zero
//   run writes nothing: the record is zeroed first), with the plane index and the bit cursor
//   in one register (one add per symbol); two '1' + DBX symbols in a row take one look-up.
//   '00001' (DBP all zero) is a flagged DBX byte (the planes' prefix XOR is a segmented
//   scan). Invalid codes make the plane count overshoot; such a block is parsed again with
//   a plain exact parser, which decides the error.
// - W <= 8: four blocks at a time in AVX2: prefix XOR of the DBX bytes (the planes), 8x8
//   bit transposes, a byte-wise prefix sum of the top-aligned deltas (the sums mod 2^W),
//   and the range check against the sign plane. W = 9..16: the same with two blocks per
//   register and 16-bit lanes.
// - Scatter with BMI2 pdep (W <= 8: 8 words per mask byte) or a pshufb expand (W > 8).
#include "codec/ebpc_decode_avx2.hpp"

#include "arch/cpu.hpp"

#if EBPC_ARCH_HAVE_AVX2

#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "common/bitio.hpp"
#include "common/check.hpp"

namespace ebpc::detail {

namespace {

constexpr std::size_t k_seg = 1024;                // words per segment (as the baseline)
constexpr std::size_t k_max_blocks = k_seg / 8;    // BPC blocks one segment may need
constexpr std::size_t k_narrow_stride = 16;        // W <= 8: DBX bytes 0..W of a block
constexpr std::size_t k_wide_stride = 32;          // W > 8: DBX bytes 0..W (stores reach byte 23)
constexpr std::size_t k_max_block_nbytes = (16 + 17 * 8) / 8 + 1;  // W = 16: 152 bits
// Reads go up to 8 bytes past the cursor's byte (one load_be64).
constexpr std::size_t k_read_slack = 16;
constexpr std::size_t k_bpc_tail_nbytes = k_max_blocks * k_max_block_nbytes + 2 * k_read_slack;
constexpr std::size_t k_znz_tail_nbytes = k_seg * 9 / 8 + 2 * k_read_slack;  // 1 + log2(Z) <= 9 bits a word

// One BPC symbol (B = 8) from the next 9 bits: bits 0..5 its length, bits 6..11 the planes
// it covers (32 for an invalid index: the exact parser then reports it), bits 32..39 its
// DBX (0 for zero runs; 0x80 for '00001', DBP all zero: the planes' prefix XOR restarts
// there, a segmented scan with the flag in bit 7). A '1' + DBX symbol followed by a '1'
// is taken as a pair of them (16 bits, 2 planes; bits 40..47 = 0x7f: the second DBX is
// taken from the window): half the look-ups for the noisy low planes. A pair that would
// run one plane past the block (its second '1' is the next block's base) is undone after.
constexpr std::uint64_t k_pair_flag = std::uint64_t{0x7f} << 40;

struct SymTables {
  std::uint64_t t[4][512];  // by ceil(log2(W)) - 1
  constexpr SymTables() : t() {
    for (unsigned lw = 1; lw <= 4; ++lw) {
      for (unsigned x9 = 0; x9 < 512; ++x9) {
        const unsigned x = x9 >> 1;
        unsigned len = 0;
        unsigned np = 1;
        unsigned dbx = 0;
        const unsigned idx = x & 7;
        if (x & 0x80) {
          len = 8;
          dbx = x & 0x7f;
        } else if ((x >> 6) == 0b01) {
          len = 2;
        } else if ((x >> 5) == 0b001) {
          len = 3 + lw;
          np = ((x >> (5 - lw)) & ((1u << lw) - 1)) + 2;
        } else if ((x >> 3) == 0b00000) {
          len = 5;
          dbx = 0x7f;
        } else if ((x >> 3) == 0b00001) {
          len = 5;
          dbx = 0x80;  // DBP all zero: the prefix XOR restarts here
        } else if ((x >> 3) == 0b00010) {
          len = 8;
          if (idx + 3 <= 8) {
            dbx = 3u << (5 - idx);
          } else {
            np = 32;
          }
        } else {
          len = 8;
          if (idx + 2 <= 8) {
            dbx = 1u << (6 - idx);
          } else {
            np = 32;
          }
        }
        std::uint64_t e = std::uint64_t{len} | std::uint64_t{np} << 6 | std::uint64_t{dbx} << 32;
        if ((x & 0x80) && (x9 & 1)) {
          e = std::uint64_t{16} | std::uint64_t{2} << 6 | std::uint64_t{dbx} << 32 | k_pair_flag;
        }
        t[lw - 1][x9] = e;
      }
    }
  }
};
constexpr SymTables k_sym_tables{};

// The same split in two for the parse loop: inc = bits 0..31 (added to the cursor word,
// which then stays clean), val = the DBX byte(s) to store (byte 1 = 0x7f for a pair).
struct SymSplit {
  std::uint32_t inc[4][512];
  std::uint16_t val[4][512];
  constexpr SymSplit() : inc(), val() {
    for (unsigned t = 0; t < 4; ++t) {
      for (unsigned x = 0; x < 512; ++x) {
        const std::uint64_t e = k_sym_tables.t[t][x];
        inc[t][x] = static_cast<std::uint32_t>(e);
        val[t][x] = static_cast<std::uint16_t>(e >> 32);
      }
    }
  }
};
constexpr SymSplit k_sym_split{};

// Byte-expansion masks for pdep: byte i = 0xff where bit i of the index is set.
struct ExpandBytes {
  std::uint64_t t[256];
  constexpr ExpandBytes() : t() {
    for (unsigned m = 0; m < 256; ++m) {
      std::uint64_t v = 0;
      for (unsigned i = 0; i < 8; ++i) {
        if ((m >> i) & 1u) {
          v |= std::uint64_t{0xff} << (8 * i);
        }
      }
      t[m] = v;
    }
  }
};
constexpr ExpandBytes k_expand_bytes{};

// pshufb controls that spread the first popcount(m) 16-bit words to the set bits of m.
struct Expand16 {
  alignas(16) std::uint8_t t[256][16];
  constexpr Expand16() : t() {
    for (unsigned m = 0; m < 256; ++m) {
      unsigned k = 0;
      for (unsigned i = 0; i < 8; ++i) {
        if ((m >> i) & 1u) {
          t[m][2 * i] = static_cast<std::uint8_t>(2 * k);
          t[m][2 * i + 1] = static_cast<std::uint8_t>(2 * k + 1);
          ++k;
        } else {
          t[m][2 * i] = 0x80;
          t[m][2 * i + 1] = 0x80;
        }
      }
    }
  }
};
constexpr Expand16 k_expand16{};

inline std::uint64_t load_u64(const void* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
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

static inline EBPC_TARGET_AVX2 void znz_step(ZnzJob& job) noexcept {
  const std::uint8_t* src = job.src;
  std::uint64_t c = job.c;
  std::size_t j = job.j;
  const std::size_t len = job.len;
  std::uint64_t* masks = job.masks;
  const std::uint64_t x = load_be64(src + (c >> 3)) << (c & 7);  // >= 57 valid bits
  // '1' bits: at most 57 counted (the low 7 bits cleared), so ~ is never 0.
  const auto ones = static_cast<unsigned>(__builtin_clzll(~(x & ~std::uint64_t{0x7f})));
  const auto take = static_cast<unsigned>(std::min<std::size_t>(std::min(ones, 48u), len - j));
  const std::uint64_t bits = _bzhi_u64(~std::uint64_t{0}, take);
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

// ---- The inverse of the planes, run every four blocks inside the parse loop (its work
// fills the gaps of the parse's serial chain of table look-ups). W <= 8: AVX2, four blocks
// at a time, words as bytes; a value outside W signed bits sets lanes of `bad`.

static inline EBPC_TARGET_AVX2 __m256i transpose8x8_epi64(__m256i x) noexcept {
  __m256i t = _mm256_and_si256(_mm256_xor_si256(x, _mm256_srli_epi64(x, 7)), _mm256_set1_epi64x(0x00AA00AA00AA00AAll));
  x = _mm256_xor_si256(x, _mm256_xor_si256(t, _mm256_slli_epi64(t, 7)));
  t = _mm256_and_si256(_mm256_xor_si256(x, _mm256_srli_epi64(x, 14)), _mm256_set1_epi64x(0x0000CCCC0000CCCCll));
  x = _mm256_xor_si256(x, _mm256_xor_si256(t, _mm256_slli_epi64(t, 14)));
  t = _mm256_and_si256(_mm256_xor_si256(x, _mm256_srli_epi64(x, 28)), _mm256_set1_epi64x(0x00000000F0F0F0F0ll));
  x = _mm256_xor_si256(x, _mm256_xor_si256(t, _mm256_slli_epi64(t, 28)));
  return x;
}

struct NarrowConsts {
  __m128i align, sign_at, down;
  __m256i low_bits, low7, bit_of_byte, keep7, bcast0, base_to, rev;
};

static inline EBPC_TARGET_AVX2 NarrowConsts narrow_consts(unsigned w) noexcept {
  NarrowConsts k;
  k.align = _mm_cvtsi32_si128(static_cast<int>(8 * (8 - w)));
  k.sign_at = _mm_cvtsi32_si128(static_cast<int>(8 * w));
  k.down = _mm_cvtsi32_si128(static_cast<int>(8 - w));
  k.low_bits = _mm256_set1_epi8(static_cast<char>(0xffu >> (8 - w)));
  k.bit_of_byte = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
  k.keep7 = _mm256_set1_epi64x(0x00ffffffffffffffll);
  k.low7 = _mm256_set1_epi8(0x7f);
  // Byte 0 of each qword to all its bytes.
  k.bcast0 = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8,
                              8, 8);
  // Qwords hold blocks 0, 2 | 1, 3: the bases (bytes 0..3 of the broadcast) go to byte 7.
  k.base_to = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, 2, -1, -1, -1, -1, -1, -1, -1,
                               1, -1, -1, -1, -1, -1, -1, -1, 3);
  k.rev = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12,
                           11, 10, 9, 8);
  return k;
}

// Four blocks: DBX records (16 bytes each) and top-aligned bases -> 32 words (bytes).
// bad collects the range-check failures (non-zero lanes).
static inline EBPC_TARGET_AVX2 void unplane4_narrow(const std::uint8_t* recs, const std::uint8_t* bases8, unsigned w,
                                                    const NarrowConsts& k, std::uint8_t* out, __m256i& bad) noexcept {
  const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(recs));
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(recs + 32));
  __m256i lo = _mm256_unpacklo_epi64(a, c);  // DBX 0..7 of blocks 0, 2 | 1, 3
  const __m256i hi = _mm256_unpackhi_epi64(a, c);
  // Prefix XOR, restarted at the bytes flagged 0x80 (a segmented scan: a flagged byte
  // takes nothing from before it, and passes its flag on).
  const __m256i zero = _mm256_setzero_si256();
  lo = _mm256_xor_si256(lo, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, lo), _mm256_slli_epi64(lo, 8)));
  lo = _mm256_xor_si256(lo, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, lo), _mm256_slli_epi64(lo, 16)));
  lo = _mm256_xor_si256(lo, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, lo), _mm256_slli_epi64(lo, 32)));
  lo = _mm256_and_si256(lo, k.low7);  // planes 0..7 (those past W unused)
  // The sign plane (bit 7 of its byte is ignored below).
  const __m256i sign =
      w == 8 ? _mm256_xor_si256(hi, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, hi), _mm256_srli_epi64(lo, 56)))
             : _mm256_srl_epi64(lo, k.sign_at);
  const __m256i sb = _mm256_shuffle_epi8(sign, k.bcast0);
  const __m256i expect_lt = _mm256_cmpeq_epi8(_mm256_and_si256(sb, k.bit_of_byte), k.bit_of_byte);
  // Planes 0..W-1 to bytes 8-W..7: the transposes are then the deltas, top-aligned,
  // byte j = d[7-j]; byte 7 (column 7 is empty) takes the base.
  __m256i x = transpose8x8_epi64(_mm256_sll_epi64(lo, k.align));
  std::uint32_t b4;
  std::memcpy(&b4, bases8, 4);
  x = _mm256_or_si256(x, _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(b4)), k.base_to));
  x = _mm256_add_epi8(x, _mm256_srli_epi64(x, 8));
  x = _mm256_add_epi8(x, _mm256_srli_epi64(x, 16));
  x = _mm256_add_epi8(x, _mm256_srli_epi64(x, 32));  // byte j = v[7-j] << (8-W) (mod 2^8)
  const __m256i lt = _mm256_cmpgt_epi8(_mm256_srli_epi64(x, 8), x);  // byte j: v[7-j] < v[6-j]
  bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_xor_si256(lt, expect_lt), k.keep7));
  if (w != 8) {
    x = _mm256_and_si256(_mm256_srl_epi16(x, k.down), k.low_bits);
  }
  x = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(x, k.rev), 0xD8);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), x);
}

// ---- BPC block parsing into DBX records.

// The exact parser for the blocks the table loop gives up on: the planes symbol by symbol,
// then the DBX bytes. Same accept/reject as the baseline's parse_block_b8, and c ends
// where that one leaves its reader: past the symbols read, the failing one included.
bool parse_block_exact(const std::uint8_t* src, std::uint64_t& c, unsigned w, unsigned lw, std::uint8_t* rec,
                       std::size_t stride, std::uint64_t& base) noexcept {
  struct Get {
    const std::uint8_t* src;
    std::uint64_t& c;
    unsigned operator()(unsigned n) const noexcept {
      const std::uint64_t x = load_be64(src + (c >> 3)) << (c & 7);
      c += n;
      return n == 0 ? 0u : static_cast<unsigned>(x >> (64 - n));
    }
  } get{src, c};
  base = get(w);
  std::uint8_t planes[40] = {};
  unsigned p = 0;
  unsigned prev = 0;
  while (p <= w) {
    unsigned plane = prev;
    unsigned np = 1;
    if (get(1)) {
      plane = prev ^ get(7);
    } else if (get(1)) {
      // single all-zero DBX
    } else if (get(1)) {
      np = get(lw) + 2;
    } else {
      const unsigned code = get(2);
      if (code == 0) {
        plane = prev ^ 0x7f;
      } else if (code == 1) {
        plane = 0;
      } else {
        const unsigned idx = get(3);
        if (code == 2) {
          if (idx + 3 > 8) {
            return false;
          }
          plane = prev ^ (3u << (5 - idx));
        } else {
          if (idx + 2 > 8) {
            return false;
          }
          plane = prev ^ (1u << (6 - idx));
        }
      }
    }
    if (p + np > w + 1) {
      return false;
    }
    for (unsigned k = 0; k < np; ++k) {
      planes[p + k] = static_cast<std::uint8_t>(plane);
    }
    p += np;
    prev = plane;
  }
  std::memset(rec, 0, stride);
  unsigned last = 0;
  for (unsigned q = 0; q <= w; ++q) {
    rec[q] = static_cast<std::uint8_t>(planes[q] ^ last);
    last = planes[q];
  }
  return true;
}

// One step (a symbol, or a pair of '1' + DBX symbols): s holds the bit position in buf
// (bits 0..5) and the plane index (bits 6..). Stores the DBX byte(s) at the plane. True
// when the planes reach lim = (W+1) << 6; v: the stored table value (pair: byte 1 != 0).
static inline EBPC_TARGET_AVX2 bool sym_step(std::uint64_t buf, std::uint64_t& s, const std::uint32_t* inc,
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

// W = 9..16: two blocks at a time, one per 128-bit lane, words as 16-bit lanes.
struct WideConsts {
  __m128i up;  // 16 - W
  __m256i align, low7, bit_of_word, keep7, interleave, base_to, rev, at_w, at_15;
};

static inline EBPC_TARGET_AVX2 WideConsts wide_consts(unsigned w) noexcept {
  WideConsts k;
  k.up = _mm_cvtsi32_si128(static_cast<int>(16 - w));
  alignas(32) std::int8_t align[32];
  alignas(32) std::int8_t at_w[32];
  for (int i = 0; i < 16; ++i) {
    // Planes 0..W-1 to bytes 16-W..15 (those past W dropped).
    const int from = i - static_cast<int>(16 - w);
    align[i] = align[i + 16] = static_cast<std::int8_t>(from >= 0 ? from : -1);
    at_w[i] = at_w[i + 16] = static_cast<std::int8_t>(w < 16 ? w : 0);
  }
  k.align = _mm256_load_si256(reinterpret_cast<const __m256i*>(align));
  k.at_w = _mm256_load_si256(reinterpret_cast<const __m256i*>(at_w));
  k.at_15 = _mm256_set1_epi8(15);
  k.low7 = _mm256_set1_epi8(0x7f);
  k.bit_of_word = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
  k.keep7 = _mm256_setr_epi16(-1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, 0);
  // Word c = byte c (bits 0..7 of the transposed rows 0..7) | byte 8+c << 8.
  k.interleave = _mm256_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15, 0, 8, 1, 9, 2, 10, 3, 11, 4,
                                  12, 5, 13, 6, 14, 7, 15);
  // Bases (words 0, 1 of the broadcast) to word 7 of each lane.
  k.base_to = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, -1, -1, -1, -1, -1,
                               -1, -1, -1, -1, -1, -1, -1, 2, 3);
  k.rev = _mm256_setr_epi8(14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1, 14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4,
                           5, 2, 3, 0, 1);
  return k;
}

// Two blocks (records k_wide_stride apart, DBX bytes 0..W) and bases -> 16 words.
static inline EBPC_TARGET_AVX2 void unplane2_wide(const std::uint8_t* recs, const std::uint16_t* bases16, unsigned w,
                                                  const WideConsts& k, std::uint16_t* out, __m256i& bad) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  __m256i x = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(recs + k_wide_stride),
                                  reinterpret_cast<const __m128i*>(recs));
  // Segmented prefix XOR over the planes (as unplane4_narrow), per lane.
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 1)));
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 2)));
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 4)));
  x = _mm256_xor_si256(x, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, x), _mm256_slli_si256(x, 8)));
  x = _mm256_and_si256(x, k.low7);
  // The sign plane, broadcast over its lane: plane W (W < 16) or from DBX[16].
  __m256i sign;
  if (w < 16) {
    sign = _mm256_shuffle_epi8(x, k.at_w);
  } else {
    const __m256i d16 = _mm256_setr_m128i(_mm_set1_epi8(static_cast<char>(recs[16])),
                                          _mm_set1_epi8(static_cast<char>(recs[k_wide_stride + 16])));
    sign = _mm256_xor_si256(d16, _mm256_andnot_si256(_mm256_cmpgt_epi8(zero, d16), _mm256_shuffle_epi8(x, k.at_15)));
  }
  const __m256i sw = _mm256_and_si256(sign, _mm256_set1_epi16(0xff));
  const __m256i expect_lt = _mm256_cmpeq_epi16(_mm256_and_si256(sw, k.bit_of_word), k.bit_of_word);
  // Transposes of the top-aligned planes: word c = d[7-c] << (16-W); word 7 takes the base.
  x = _mm256_shuffle_epi8(transpose8x8_epi64(_mm256_shuffle_epi8(x, k.align)), k.interleave);
  std::uint32_t b2;
  std::memcpy(&b2, bases16, 4);
  x = _mm256_or_si256(x, _mm256_sll_epi16(_mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(b2)), k.base_to), k.up));
  x = _mm256_add_epi16(x, _mm256_srli_si256(x, 2));
  x = _mm256_add_epi16(x, _mm256_srli_si256(x, 4));
  x = _mm256_add_epi16(x, _mm256_srli_si256(x, 8));  // word c = v[7-c] << (16-W) (mod 2^16)
  const __m256i lt = _mm256_cmpgt_epi16(_mm256_srli_si256(x, 2), x);  // word c: v[7-c] < v[6-c]
  bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_xor_si256(lt, expect_lt), k.keep7));
  x = _mm256_shuffle_epi8(_mm256_srl_epi16(x, k.up), k.rev);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), x);
}

static inline EBPC_TARGET_AVX2 void unplane4_wide(const std::uint8_t* recs, const std::uint16_t* bases16, unsigned w,
                                                  const WideConsts& k, std::uint16_t* out, __m256i& bad) noexcept {
  unplane2_wide(recs, bases16, w, k, out, bad);
  unplane2_wide(recs + 2 * k_wide_stride, bases16 + 2, w, k, out + 16, bad);
}

// Parses nblocks blocks from the cursor c (relative to src) into DBX records (stride bytes
// each, bytes 0..W) and bases (W <= 8: top-aligned bytes; W > 8: 16-bit), and rebuilds
// their words into out (8 per block; up to 3 blocks' worth past them are written too).
// Returns the index of the first block that does not parse (c then past the symbols read
// of it, as the baseline's reader), or nblocks. in_range: false when a value falls outside
// W signed bits (only meaningful when all blocks parse). Each block also runs one step of
// zjob (the next segment's ZNZ) while it is not done.
template <bool kWide>
EBPC_TARGET_AVX2 std::size_t parse_blocks(const std::uint8_t* src, std::uint64_t& c_io, unsigned w,
                                          std::size_t nblocks, std::uint8_t* recs, std::uint8_t* bases8,
                                          std::uint16_t* bases16, void* out_v, bool& in_range,
                                          ZnzJob* zjob) noexcept {
  constexpr std::size_t stride = kWide ? k_wide_stride : k_narrow_stride;
  const unsigned lw = ceil_log2(w);
  const std::uint32_t* inc = k_sym_split.inc[lw - 1];
  const std::uint16_t* val = k_sym_split.val[lw - 1];
  const std::uint64_t lim = std::uint64_t{w + 1} << 6;
  const unsigned base_up = kWide ? 0 : 8 - w;
  [[maybe_unused]] const NarrowConsts nk = narrow_consts(kWide ? 8 : w);
  [[maybe_unused]] const WideConsts wk = wide_consts(kWide ? w : 16);
  __m256i bad = _mm256_setzero_si256();
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
    if constexpr (kWide) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(rec), _mm256_setzero_si256());
    } else {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(rec), _mm_setzero_si128());
    }
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
    } else if (!parse_block_exact(src, c, w, lw, rec, stride, base)) {
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
        unplane4_wide(recs + b0 * stride, bases16 + b0, w, wk, static_cast<std::uint16_t*>(out_v) + 8 * b0, bad);
      } else {
        unplane4_narrow(recs + b0 * stride, bases8 + b0, w, nk, static_cast<std::uint8_t*>(out_v) + 8 * b0, bad);
      }
    }
  }
  c_io = c;
  *zjob = zj;
  const std::size_t b0 = nblocks & ~std::size_t{3};
  if (b0 >= 4) {  // the last whole group
    if constexpr (kWide) {
      unplane4_wide(recs + (b0 - 4) * stride, bases16 + b0 - 4, w, wk,
                    static_cast<std::uint16_t*>(out_v) + 8 * (b0 - 4), bad);
    } else {
      unplane4_narrow(recs + (b0 - 4) * stride, bases8 + b0 - 4, w, nk,
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
      unplane4_wide(recs + b0 * stride, bases16 + b0, w, wk, static_cast<std::uint16_t*>(out_v) + 8 * b0, bad);
    } else {
      unplane4_narrow(recs + b0 * stride, bases8 + b0, w, nk, static_cast<std::uint8_t*>(out_v) + 8 * b0, bad);
    }
  }
  in_range = _mm256_testz_si256(bad, bad) != 0;
  return nblocks;
}

// ---- Scatter: the next non-zero words to the set bits of the segment's masks.

template <class Word>
static inline EBPC_TARGET_AVX2 void put8_from_bytes(Word* o, std::uint64_t v) noexcept {
  if constexpr (sizeof(Word) == 1) {
    store_u64(o, v);
  } else if constexpr (sizeof(Word) == 2) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o),
                     _mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<long long>(v))));
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o),
                        _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(v))));
  }
}

template <class Word>
EBPC_TARGET_AVX2 void scatter_narrow(const std::uint8_t* mbytes, std::size_t len, const std::uint8_t* src,
                                     Word* o) noexcept {
  const std::size_t nfull = len / 8;
  for (std::size_t k = 0; k < nfull; ++k) {
    const unsigned mb = mbytes[k];
    put8_from_bytes(o + 8 * k, _pdep_u64(load_u64(src), k_expand_bytes.t[mb]));
    src += _mm_popcnt_u32(mb);
  }
  if (nfull * 8 < len) {
    Word tmp[8];
    put8_from_bytes(tmp, _pdep_u64(load_u64(src), k_expand_bytes.t[mbytes[nfull]]));
    std::memcpy(o + 8 * nfull, tmp, (len - 8 * nfull) * sizeof(Word));
  }
}

template <class Word>
static inline EBPC_TARGET_AVX2 void put8_from_words(Word* o, __m128i v) noexcept {
  if constexpr (sizeof(Word) == 2) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_cvtepu16_epi32(v));
  }
}

template <class Word>
EBPC_TARGET_AVX2 void scatter_wide(const std::uint8_t* mbytes, std::size_t len, const std::uint16_t* src,
                                   Word* o) noexcept {
  const std::size_t nfull = len / 8;
  for (std::size_t k = 0; k < nfull; ++k) {
    const unsigned mb = mbytes[k];
    const __m128i ctl = _mm_load_si128(reinterpret_cast<const __m128i*>(k_expand16.t[mb]));
    put8_from_words(o + 8 * k, _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)), ctl));
    src += _mm_popcnt_u32(mb);
  }
  if (nfull * 8 < len) {
    Word tmp[8];
    const __m128i ctl = _mm_load_si128(reinterpret_cast<const __m128i*>(k_expand16.t[mbytes[nfull]]));
    put8_from_words(tmp, _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)), ctl));
    std::memcpy(o + 8 * nfull, tmp, (len - 8 * nfull) * sizeof(Word));
  }
}

// True when one of v[0..count) is zero.
EBPC_TARGET_AVX2 bool any_zero_u8(const std::uint8_t* v, std::size_t count) noexcept {
  std::uint32_t hit = 0;
  std::size_t k = 0;
  const __m256i zero = _mm256_setzero_si256();
  for (; k + 32 <= count; k += 32) {
    hit |= static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + k)), zero)));
  }
  for (; k < count; ++k) {
    hit |= std::uint32_t{v[k] == 0};
  }
  return hit != 0;
}

EBPC_TARGET_AVX2 bool any_zero_u16(const std::uint16_t* v, std::size_t count) noexcept {
  std::uint32_t hit = 0;
  std::size_t k = 0;
  const __m256i zero = _mm256_setzero_si256();
  for (; k + 16 <= count; k += 16) {
    hit |= static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + k)), zero)));
  }
  for (; k < count; ++k) {
    hit |= std::uint32_t{v[k] == 0};
  }
  return hit != 0;
}

inline tl::unexpected<Error> fail(bool overrun) noexcept {
  return tl::unexpected(overrun ? Error::truncated : Error::corrupt);
}

template <class Word, bool kWide>
EBPC_TARGET_AVX2 Result<EbpcConsumed> decode_b8(std::span<const std::uint8_t> znz_in,
                                                std::span<const std::uint8_t> bpc_in, const EbpcParams& params,
                                                std::span<Word> out) noexcept {
  using Val = std::conditional_t<kWide, std::uint16_t, std::uint8_t>;
  constexpr std::size_t stride = kWide ? k_wide_stride : k_narrow_stride;
  const unsigned w = params.word_nbits;
  const unsigned z_nbits = ceil_log2(params.max_zero_run_nwords);
  const std::uint64_t znz_total = std::uint64_t{znz_in.size()} * 8;
  const std::uint64_t bpc_total = std::uint64_t{bpc_in.size()} * 8;
  std::uint64_t zc = 0;  // bits consumed
  std::uint64_t bc = 0;
  alignas(32) Val nzv[k_seg + 64];
  alignas(32) std::uint8_t recs[(k_max_blocks + 4) * stride];
  alignas(32) std::uint8_t bases8[k_max_blocks + 4];
  alignas(32) std::uint16_t bases16[k_max_blocks + 4];
  alignas(32) std::uint64_t masks_a[k_seg / 64 + 1];
  alignas(32) std::uint64_t masks_b[k_seg / 64 + 1];
  alignas(32) std::uint8_t tail[k_bpc_tail_nbytes];
  alignas(32) std::uint8_t ztail[k_znz_tail_nbytes];
  std::size_t nz_pos = 0;
  std::size_t nz_end = 0;
  const std::size_t n = out.size();
  // The ZNZ job of segment s runs (mostly) during the BPC parse of segment s - k_seg. Its
  // result is looked at where the baseline would read those symbols: after segment
  // s - k_seg is done, so errors come in the same order and with the same overrun states
  // (zc is the cursor after the current segment's ZNZ, not the job's).
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
      count += static_cast<std::size_t>(_mm_popcnt_u64(masks[g]));
    }
    const std::size_t avail = nz_end - nz_pos;
    if (avail < count) {
      std::memmove(nzv, nzv + nz_pos, avail * sizeof(Val));
      nz_pos = 0;
      nz_end = avail;
      const std::size_t nblocks = (count - avail + 7) / 8;
      const StreamView v = view_for(bpc_in, bc, nblocks * k_max_block_nbytes + k_read_slack, tail, k_bpc_tail_nbytes);
      std::uint64_t c = bc - v.first * 8;
      bool in_range = true;
      const std::size_t parsed =
          parse_blocks<kWide>(v.src, c, w, nblocks, recs, bases8, bases16, nzv + nz_end, in_range, &job);
      bc = v.first * 8 + c;
      if (parsed != nblocks) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
      EBPC_CHECK(bc <= bpc_total, truncated);
      if (!in_range) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
      nz_end += nblocks * 8;
    }
    const auto* mbytes = reinterpret_cast<const std::uint8_t*>(masks);
    if constexpr (kWide) {
      scatter_wide(mbytes, len, nzv + nz_pos, out.data() + s);
      if (any_zero_u16(nzv + nz_pos, count)) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
    } else {
      scatter_narrow(mbytes, len, nzv + nz_pos, out.data() + s);
      if (any_zero_u8(nzv + nz_pos, count)) [[unlikely]] {
        return fail(zc > znz_total || bc > bpc_total);
      }
    }
    nz_pos += count;
  }
  return EbpcConsumed{zc, bc};
}

template <class Word>
Result<EbpcConsumed> decode_dispatch(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                     const EbpcParams& params, std::span<Word> out) noexcept {
  if constexpr (sizeof(Word) == 1) {
    return decode_b8<Word, false>(znz, bpc, params, out);
  } else {
    if (params.word_nbits <= 8) {
      return decode_b8<Word, false>(znz, bpc, params, out);
    }
    return decode_b8<Word, true>(znz, bpc, params, out);
  }
}

}  // namespace

bool ebpc_decode_avx2_fits(const EbpcParams& params) noexcept {
  return params.block_nwords == 8 && params.word_nbits >= 2 && params.word_nbits <= 16;
}

Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint8_t> words_out) noexcept {
  return decode_dispatch(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint16_t> words_out) noexcept {
  return decode_dispatch(znz, bpc, params, words_out);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t> znz, std::span<const std::uint8_t> bpc,
                                      const EbpcParams& params, std::span<std::uint32_t> words_out) noexcept {
  return decode_dispatch(znz, bpc, params, words_out);
}

}  // namespace ebpc::detail

#else  // !EBPC_ARCH_HAVE_AVX2

namespace ebpc::detail {

bool ebpc_decode_avx2_fits(const EbpcParams&) noexcept { return false; }

Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t>, std::span<const std::uint8_t>, const EbpcParams&,
                                      std::span<std::uint8_t>) noexcept {
  return tl::unexpected(Error::unsupported);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t>, std::span<const std::uint8_t>, const EbpcParams&,
                                      std::span<std::uint16_t>) noexcept {
  return tl::unexpected(Error::unsupported);
}
Result<EbpcConsumed> ebpc_decode_avx2(std::span<const std::uint8_t>, std::span<const std::uint8_t>, const EbpcParams&,
                                      std::span<std::uint32_t>) noexcept {
  return tl::unexpected(Error::unsupported);
}

}  // namespace ebpc::detail

#endif  // EBPC_ARCH_HAVE_AVX2
