// ebpc::hw EBPC-X: a bit-exact model of the recommended EBPC-X coder (docs/ebpcx.md,
// "The adaptive binary arithmetic coder (ABAC)" and "Recommendation: EBPC-X") and its
// hardware cost as a cycle model (docs/ebpcx.md, "Cycle model (src/hw)").
//
// The coder is the study's Python ABAC (bench/ebpcx_study.py: abac_bins, abac_encode,
// abac_decode, RangeEncoder, RangeDecoder) written the way hardware would run it: one word
// at a time, the above-row and previous-channel contexts kept in a line buffer and a plane
// buffer of nonzero flags, the 37 probability states of 11 bits updated by shifts, a 32-bit
// range coder with byte-wise renormalisation and one cached byte for the carry, and the
// bypass bits in a separate raw stream. Its streams and sizes are the Python's, bit for bit
// (tests/hw/ebpcx_oracle.py compares them).
//
// A chunk is coded alone: probabilities reset to 1/2, the header (`base` = the most frequent
// nonzero class, the sign flag) sent in front. The one thing the hardware cannot get in one
// pass is that header: `base` and the sign flag describe the whole chunk, so the encoder
// needs them before its first bin (a histogram pre-pass, or the producer supplies them).
// The cycle model counts that pre-pass separately (EbpcxCycles::prepass_ncycles).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <ebpc/ebpc.hpp>

namespace ebpc::hw {

// The study's word formats. fixed: W-bit two's complement (fixed8, fixed16, any W in 2..16);
// float16 / bfloat16: IEEE half / bfloat16 bit patterns (W = 16).
enum class EbpcxFormat : std::uint8_t { fixed, float16, bfloat16 };

struct EbpcxParams {
  EbpcxFormat format = EbpcxFormat::fixed;
  unsigned word_nbits = 8;  // W: fixed 2..16, float16 / bfloat16 16
};

// bad_parameter unless fixed with 2 <= W <= 16, or float16 / bfloat16 with W = 16.
Result<void> validate(const EbpcxParams& params) noexcept;

// The number of word classes A (class 0 = the zero word): fixed W + 1, float16 33,
// bfloat16 257. The header sends `base` in ceil(log2 A) bits.
unsigned ebpcx_class_count(const EbpcxParams& params) noexcept;

// "fixed8", "fixed16", "float16", "bfloat16" (the study's names; "fixedW" for other W).
std::string ebpcx_format_name(const EbpcxParams& params);

// A map's geometry, flat in C, H, W order (the order the words are coded in). Context
// "above" is the word one row up in the same channel, "previous channel" the word at the
// same (y, x) one channel back; "left" is simply the previous word in flat order.
struct EbpcxShape {
  std::uint64_t channels = 1;
  std::uint64_t height = 1;
  std::uint64_t width = 1;
  std::uint64_t nwords() const noexcept { return channels * height * width; }
  std::uint64_t plane_nwords() const noexcept { return height * width; }
};

// The study's as3(): a shape of any rank as C, H, W (rank 3 as it is; rank 2 (a, b) as
// (a, 1, b); rank 1 or 0 as (n, 1, 1); rank > 3 as (s0, s1, the product of the rest)).
EbpcxShape ebpcx_shape_of(std::span<const std::uint64_t> shape) noexcept;

// The model's constants (docs/ebpcx.md, "The adaptive binary arithmetic coder").
inline constexpr unsigned k_ebpcx_prob_nbits = 11;     // probability states are 11-bit, 1/2 = 1024
inline constexpr unsigned k_ebpcx_update_shift = 5;    // p += (2048 - p) >> 5, p -= p >> 5
inline constexpr unsigned k_ebpcx_nstates = 37;        // 8 zero + 4 eq + 4 gt + 12 unary + 9 mantissa
inline constexpr unsigned k_ebpcx_unary_nbins = 6;     // context-coded unary bins before the escape
inline constexpr unsigned k_ebpcx_max_bins_per_word = 10;  // zero, eq, gt, 6 unary, top mantissa bit

// One chunk's coded form: the range coder's bytes, the raw (bypass) bit stream and the
// header fields. coded_nbits() is the study's size: range bytes x 8 + raw bits + header
// (the two streams' lengths are not counted, as in the study).
struct EbpcxStreams {
  std::vector<std::uint8_t> range_bytes;  // the range coder's output (its always-zero first byte dropped)
  std::vector<std::uint8_t> raw_bytes;    // raw bits, MSB-first, the last byte padded with zeros
  std::uint64_t raw_nbits = 0;
  unsigned base_class = 1;   // the chunk's most frequent nonzero class (1 when it has none)
  bool is_signed = false;    // the chunk has a negative word: every nonzero word carries a sign bit
  unsigned header_nbits = 0;  // 1 (sign flag) + ceil(log2 A) (base)
  std::uint64_t coded_nbits() const noexcept { return 8 * std::uint64_t{range_bytes.size()} + raw_nbits + header_nbits; }
};

// What the range coder did, for the cycle model and for sizing its registers.
struct EbpcxRangeTrace {
  // Bin indices (in coding order over the chunk) after which the renormalisation shifted a
  // byte out of `low`; at most one per bin (checked: max_shifts_per_bin).
  std::vector<std::uint32_t> shift_bins;
  // Bytes written to the output by each shift of shift_bins (0 while a byte is held as the
  // cache or as a pending 0xFF; 1 + pending when the carry is resolved).
  std::vector<std::uint32_t> shift_out_nbytes;
  std::uint32_t flush_out_nbytes = 0;  // written by the final flush (5 shifts)
  unsigned max_shifts_per_bin = 0;
  std::uint64_t max_pending_nbytes = 0;  // longest run of 0xFF bytes held back for a carry
  std::uint64_t max_low = 0;             // largest value `low` held (< 2^33)
};

struct EbpcxEncodeReport {
  EbpcxStreams streams;
  std::vector<std::uint8_t> bins_per_word;      // context-coded bins of each word (1..10)
  std::vector<std::uint8_t> raw_nbits_per_word;  // bypass bits of each word
  std::uint64_t nonzero_nwords = 0;
  EbpcxRangeTrace range;
};

// Encodes words (W-bit patterns in the low bits) as one chunk. The chunk is words[0..n) of
// a map of the given shape starting at flat index origin (0 for a whole map; a lane's first
// word otherwise): positions are taken from the map, and a neighbour before the chunk reads
// as zero. Errors: bad_parameter (params, origin + n beyond the map, a word with bits above
// W, more than 2^32 - 1 context-coded bins).
Result<EbpcxEncodeReport> ebpcx_encode(std::span<const std::uint32_t> words, const EbpcxShape& shape,
                                       const EbpcxParams& params, std::uint64_t origin = 0);

struct EbpcxDecodeReport {
  std::vector<std::uint32_t> words;
  std::vector<std::uint8_t> bins_per_word;  // counted by the decoder, independently of the encoder
  std::uint64_t range_nbytes_read = 0;      // bytes the range decoder took (past the end it reads zeros)
};

// Decodes nwords words of a chunk (the map's shape and origin as for ebpcx_encode; nwords
// comes from the caller, never from the streams). Errors: bad_parameter, corrupt (a class
// outside 1..A-1, a value outside W bits, an escape longer than 32 bits, a header base
// outside 1..A-1), truncated (the raw stream ends early, or the range decoder reads more
// than 4 bytes past the end of its stream). Accepted: range bytes after the last ones used.
Result<EbpcxDecodeReport> ebpcx_decode(const EbpcxStreams& streams, std::uint64_t nwords, const EbpcxShape& shape,
                                       const EbpcxParams& params, std::uint64_t origin = 0);

// ---------------------------------------------------------------------------------------
// The cycle model (docs/ebpcx.md, "Cycle model (src/hw)").
//
// Per lane, an encoder is a context stage (class, raw bits, context flags, one cycle) and a
// bin coder that resolves up to k chained context-coded bins of one word per cycle (the
// brief's "word-aligned" engine): a word takes max(1, ceil(bins / k)) cycles. Bypass bits go
// to a raw packer with a 32-bit output port, in parallel; no word has more than 22 raw bits,
// so it never stalls (checked: max_raw_nbits_per_word). Each bin renormalises at most one
// byte (checked), so the range coder emits at most k bytes per cycle into a byte FIFO that a
// port of range_port_nbytes bytes per cycle empties; the model reports the FIFO's largest
// backlog rather than stalling on it. After the last word: one flush cycle (5 shifts), then
// the cycles to empty the FIFO. The decoder loads 4 range bytes in cycle 0, then the same
// max(1, ceil(bins / k)) per word, reading at most k range bytes per cycle from a buffer
// of max(2 x port, k) bytes that the port refills by range_port_nbytes per cycle (a stall
// when it runs dry), and puts
// the last word out one cycle after its last bin.
//
// Lanes (docs/format.md "Lanes"): a map of N words is cut into lane_count(N, L) lanes of
// lane_stride_nwords words (the last takes the rest); each lane is an independent engine
// and chunk (own header, probabilities, range coder, raw stream, contexts: a neighbour in
// another lane reads as zero), all lanes run in parallel and the map takes as long as its
// slowest lane. With more than one lane the coded size adds a lane table of 8 bytes per
// lane (u32 range bytes, u32 raw bits), as EBPC's does.

struct EbpcxCycleConfig {
  unsigned lanes = 1;                                 // L: 1..32
  std::vector<unsigned> bins_per_cycle = {1, 2, 3, 4};  // k values to model, each 1..10
  unsigned range_port_nbytes = 4;                     // range stream port, bytes per cycle (1..8)
  // The bin-packed variant's input FIFO (words): the source pushes one word per cycle and
  // waits while it is full.
  std::uint64_t packed_fifo_nwords = 16;
};

// bad_parameter unless 1 <= lanes <= 32, every k in 1..10 (at least one), port 1..8, FIFO >= 1.
Result<void> validate(const EbpcxCycleConfig& config) noexcept;

// One k, for the whole map (its lanes in parallel: the slowest lane's cycles).
struct EbpcxCycles {
  unsigned bins_per_cycle = 1;
  std::uint64_t coder_ncycles = 0;    // sum over the slowest lane's words of max(1, ceil(bins / k))
  std::uint64_t encoder_ncycles = 0;  // 1 (context stage) + coder + 1 (flush) + FIFO drain
  std::uint64_t decoder_ncycles = 0;  // 1 (first 4 range bytes) + coder + input stalls + 1 (last word out)
  std::uint64_t decoder_input_stall_ncycles = 0;  // the range input buffer ran dry
  std::uint64_t max_range_backlog_nbytes = 0;     // encoder: the byte FIFO's largest fill
  // A bin coder that chains bins across word boundaries (k bins per cycle from an input
  // FIFO of packed_fifo_nwords words that the source fills at one word per cycle): the
  // slowest lane's cycles, and the cycles in which the source had to wait (FIFO full). Not
  // the brief's engine; it shows what k a bin-packed coder would need.
  std::uint64_t packed_coder_ncycles = 0;
  std::uint64_t packed_input_stall_ncycles = 0;
  // One word per cycle per lane in steady state: every word of every lane has at most k
  // bins (coder cycles == words in every lane).
  bool one_word_per_cycle = false;
  // Per word per lane: cycles x lanes / words (for one lane: cycles / words).
  std::uint64_t nwords = 0;
  unsigned lanes = 1;
  double coder_cycles_per_word() const noexcept;
  double encoder_cycles_per_word() const noexcept;
  double decoder_cycles_per_word() const noexcept;
  double packed_cycles_per_word() const noexcept;
};

enum class EbpcxStorage : std::uint8_t { flip_flops, sram };

// One register or memory of one lane's engine, with its size in bits.
struct EbpcxStateItem {
  std::string name;
  std::uint64_t nbits = 0;
  EbpcxStorage storage = EbpcxStorage::flip_flops;
  std::string note;
};

struct EbpcxStateBits {
  std::vector<EbpcxStateItem> items;
  std::uint64_t flip_flop_nbits() const noexcept;
  std::uint64_t sram_nbits() const noexcept;
  std::uint64_t nbits_of(std::string_view name) const noexcept;  // 0 when there is no such item
};

// The registers and memories of one lane's encoder and decoder for a map geometry and
// format, from the model's own data structures (names as in docs/ebpcx.md's cost table).
// chunk_nwords sizes the encoder's pre-pass histogram, fifo_nbytes its byte FIFO;
// range_port_nbytes and the largest bins_per_cycle size the decoder's input buffer.
EbpcxStateBits ebpcx_encoder_state(const EbpcxShape& shape, const EbpcxParams& params, std::uint64_t chunk_nwords,
                                   unsigned fifo_nbytes);
EbpcxStateBits ebpcx_decoder_state(const EbpcxShape& shape, const EbpcxParams& params, unsigned range_port_nbytes,
                                   unsigned bins_per_cycle);

struct EbpcxLaneReport {
  std::uint64_t origin = 0;  // the lane's first word (flat index in the map)
  std::uint64_t nwords = 0;
  std::uint64_t nonzero_nwords = 0;
  EbpcxStreams streams;
  std::uint64_t context_bins = 0;
  std::uint64_t raw_nbits = 0;
  unsigned max_bins_per_word = 0;
  unsigned max_raw_nbits_per_word = 0;
  std::uint64_t max_pending_nbytes = 0;
  unsigned max_shifts_per_bin = 0;
  std::uint64_t max_low = 0;
};

struct EbpcxReport {
  EbpcxShape shape;
  EbpcxParams params;
  unsigned lanes = 1;  // lanes actually used: lane_count(N, L)
  unsigned range_port_nbytes = 4;
  std::uint64_t packed_fifo_nwords = 16;
  std::uint64_t nwords = 0;
  std::uint64_t nonzero_nwords = 0;
  std::uint64_t coded_nbits = 0;       // all lanes + the lane table when lanes > 1
  std::uint64_t lane_table_nbits = 0;  // 64 per lane when lanes > 1
  std::uint64_t context_bins = 0;
  std::uint64_t raw_nbits = 0;
  std::array<std::uint64_t, k_ebpcx_max_bins_per_word + 1> bins_histogram{};  // words by context-coded bins
  unsigned max_bins_per_word = 0;
  unsigned max_raw_nbits_per_word = 0;
  std::uint64_t max_pending_nbytes = 0;
  unsigned max_shifts_per_bin = 0;
  std::uint64_t prepass_ncycles = 0;  // encoder histogram pre-pass for base and the sign flag: the slowest lane's words
  std::vector<EbpcxLaneReport> lane_reports;
  std::vector<EbpcxCycles> cycles;  // one per configured k, in order
  EbpcxStateBits encoder_state;     // one lane
  EbpcxStateBits decoder_state;     // one lane
  unsigned encoder_fifo_nbytes = 0;  // byte FIFO sized for the largest backlog of any k (at least 8)

  double ratio() const noexcept;  // nwords * W / coded_nbits
  double bins_per_word() const noexcept;
  // The smallest k at which this map runs one word per cycle per lane: word-aligned (every
  // word <= k bins: max_bins_per_word) and bin-packed (the smallest k at which the packed
  // coder's source never waits, in any lane).
  unsigned min_k_word_aligned() const noexcept { return max_bins_per_word; }
  unsigned min_k_packed = 0;
  // JSON with every field above (the CLI's --json prints it).
  std::string to_json() const;
};

// Both models on a map: cuts it into lanes, encodes each lane, decodes it back and checks
// words and per-word bin counts against the encoder's, then counts cycles for every k.
// Failures: bad_parameter (params, config, a word with bits above W, words.size() !=
// shape.nwords(), an empty map), corrupt "the decoder model did not return the input"
// (a model bug).
Outcome<EbpcxReport> ebpcx_model(std::span<const std::uint32_t> words, const EbpcxShape& shape,
                                 const EbpcxParams& params, const EbpcxCycleConfig& config);

}  // namespace ebpc::hw
