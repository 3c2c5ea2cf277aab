// ebpc::hw: a cycle-accurate model of the published EBPC encoder and decoder
// (pulp-platform/stream-ebpc, Cavigelli, Rutishauser, Benini, JETCAS 2019).
//
// The model is written stage by stage like the RTL: every stage holds explicit registers
// (its "q" state), a combinational function computes its outputs and next state ("d")
// from the registers and the wires of the current cycle, and all stages commit together at
// the clock edge. Stages talk through valid/ready channels; a handshake happens in a cycle
// where valid and ready are both high. docs/hardware.md explains the stages, the cycle
// counts and where the cycles go.
//
// Cycle-count definitions:
// - after reset, cycle 0 is the first clock period; a count is a cycle index plus 1;
// - encoder: input valid from cycle 0 (unless input bubbles are asked for), each word held
//   until accepted, `last` with word N-1. ncycles = 1 + the cycle of the later of the two
//   last-word handshakes (ZNZ and BPC; with no non-zero word only ZNZ counts). Stall cycles
//   are cycles with input valid and ready low. first_bpc_cycle is the cycle of the first BPC
//   output handshake;
// - decoder: the word count (N-1) offered and accepted in cycle 0, both input streams offered
//   from cycle 0 while words remain, ncycles = 1 + the cycle of the last output handshake.
//
// Back-pressure (outputs not ready with a seeded probability) and input bubbles (inputs not
// valid with a seeded probability) change the timing, never the streams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <ebpc/ebpc.hpp>

namespace ebpc::hw {

// The hardware carries N-1 in 24 bits.
inline constexpr std::uint64_t k_max_hw_nwords = std::uint64_t{1} << 24;

struct HwConfig {
  unsigned word_nbits = 8;    // W: 8 or 16
  unsigned block_nwords = 8;  // B: 8 or 16, B <= W (the RTL's seq_coder requires it)
  // Each cycle, each output stream is ready with this probability (1.0: always ready).
  double out_ready_probability = 1.0;
  std::uint64_t out_ready_seed = 1;
  // Each cycle in which an input driver has a word to offer but is not yet offering it, it
  // holds valid low with this probability (0.0: no bubbles). Once valid is high it stays
  // high until the handshake.
  double in_bubble_probability = 0.0;
  std::uint64_t in_bubble_seed = 2;
  // Give up after this many cycles (limit_exceeded); 0 picks a bound from N and the
  // probabilities that no correct run reaches.
  std::uint64_t max_ncycles = 0;
  // The published encoder RTL never releases its last BPC word when the last input word is
  // zero and arrives in the very cycle in which the bit streamer hands its final, exactly
  // full word to the output buffer (docs/hardware.md, "A hang in the RTL"); hw_encode then
  // fails with Error::hardware_hang. true models the one-line RTL fix instead (the top FSM
  // also flags the buffered word as last when its flush state finds the BPC path idle),
  // which changes no other cycle.
  bool fix_last_bpc_hang = false;
};

// bad_parameter unless W, B are 8/16 with B <= W, 0 < out_ready_probability <= 1 and
// 0 <= in_bubble_probability < 1.
Result<void> validate(const HwConfig& config) noexcept;

// Why the encoder's input was valid but not ready.
struct HwEncodeStalls {
  std::uint64_t bpc_path_ncycles = 0;  // the delta/bit-plane stage (behind it the sequential coder) was full
  std::uint64_t znz_path_ncycles = 0;  // the ZNZ run-length stage could not take a word
  std::uint64_t flush_ncycles = 0;     // the input stage was padding/flushing the last block
  std::uint64_t total() const noexcept { return bpc_path_ncycles + znz_path_ncycles + flush_ncycles; }
};

// How the sequential coder spent its cycles (they add up to the encoder's ncycles).
struct HwCoderCycles {
  std::uint64_t base_ncycles = 0;      // writing a block's base word
  std::uint64_t plane_ncycles = 0;     // one per bit plane (W+1 per block)
  std::uint64_t run_end_ncycles = 0;   // extra cycle writing a zero-DBX run code before a non-zero plane
  std::uint64_t blocked_ncycles = 0;   // wanted to write, the bit streamer was not ready
  std::uint64_t idle_ncycles = 0;      // no block to code
};

struct HwEncodeReport {
  std::vector<std::uint32_t> znz_words;  // W-bit words, the first stream bit is the MSB of word 0
  std::vector<std::uint32_t> bpc_words;
  std::uint64_t input_nwords = 0;
  std::uint64_t nonzero_nwords = 0;
  std::uint64_t ncycles = 0;
  HwEncodeStalls stalls;                      // input valid and not ready, by cause
  std::uint64_t input_bubble_ncycles = 0;     // input not valid before the last word was accepted
  std::uint64_t znz_blocked_ncycles = 0;      // ZNZ output valid, not ready (back-pressure)
  std::uint64_t bpc_blocked_ncycles = 0;      // BPC output valid, not ready (back-pressure)
  HwCoderCycles coder;
  std::uint64_t last_input_cycle = 0;         // handshake of word N-1
  std::optional<std::uint64_t> first_znz_cycle;
  std::optional<std::uint64_t> first_bpc_cycle;  // none when every word is zero
  std::optional<std::uint64_t> last_znz_cycle;
  std::optional<std::uint64_t> last_bpc_cycle;

  std::uint64_t stall_ncycles() const noexcept { return stalls.total(); }
  double words_per_cycle() const noexcept {
    return ncycles == 0 ? 0.0 : static_cast<double>(input_nwords) / static_cast<double>(ncycles);
  }
  // Cycles from the handshake of the last input word to the last output handshake.
  std::uint64_t drain_ncycles() const noexcept { return ncycles - 1 - last_input_cycle; }
};

// Simulates the encoder on words (W-bit patterns in the low bits, 1 <= N <= 2^24).
// Errors: bad_parameter (config, N, a word with bits above W), limit_exceeded (max_ncycles),
// unsupported (the RTL hangs on this input: its BPC stream never gets its last word; see
// HwConfig::fix_last_bpc_hang), reported in the cycle the hang becomes certain.
Result<HwEncodeReport> hw_encode(std::span<const std::uint32_t> words, const HwConfig& config);

// Why the decoder's output was not valid (cycles before the last output handshake).
struct HwDecodeBubbles {
  std::uint64_t start_ncycles = 0;     // cycle 0: the word count is being accepted
  std::uint64_t znz_wait_ncycles = 0;  // the run-length decoder had no ZNZ symbol ready
  std::uint64_t bpc_wait_ncycles = 0;  // ZNZ said non-zero, the BPC path had no word ready
  std::uint64_t total() const noexcept { return start_ncycles + znz_wait_ncycles + bpc_wait_ncycles; }
};

// How the symbol decoder spent its cycles.
struct HwSymbolCycles {
  std::uint64_t base_ncycles = 0;     // taking a block's base word
  std::uint64_t plane_ncycles = 0;    // one per bit plane (W+1 per block)
  std::uint64_t starved_ncycles = 0;  // mid-block, not enough BPC bits in the unpacker
  std::uint64_t blocked_ncycles = 0;  // a decoded block waits for the delta-reversal stage
  std::uint64_t idle_ncycles = 0;     // no BPC data
};

struct HwDecodeReport {
  std::vector<std::uint32_t> words;  // the N decoded words
  std::uint64_t ncycles = 0;
  HwDecodeBubbles bubbles;
  std::uint64_t out_blocked_ncycles = 0;  // output valid, not ready (back-pressure)
  std::uint64_t znz_input_stall_ncycles = 0;  // ZNZ input valid, not ready
  std::uint64_t bpc_input_stall_ncycles = 0;  // BPC input valid, not ready
  std::uint64_t znz_input_nwords = 0;     // ZNZ words accepted
  std::uint64_t bpc_input_nwords = 0;     // BPC words accepted
  HwSymbolCycles symbol;
  std::optional<std::uint64_t> first_output_cycle;

  double words_per_cycle() const noexcept {
    return ncycles == 0 ? 0.0 : static_cast<double>(words.size()) / static_cast<double>(ncycles);
  }
};

// Simulates the decoder on the two word streams for nwords output words (1 <= N <= 2^24).
// The model decodes whatever bits it is given, as the hardware does; streams that run out
// before N words are out make it wait forever, reported as truncated. Errors: bad_parameter,
// truncated, limit_exceeded.
Result<HwDecodeReport> hw_decode(std::span<const std::uint32_t> znz_words, std::span<const std::uint32_t> bpc_words,
                                 std::uint64_t nwords, const HwConfig& config);

// The library's streams are MSB-first bytes; the hardware's are W-bit words. For W = 8 and 16
// the bytes are the words in big-endian order. words_from_msb_bytes ignores a trailing
// partial word.
std::vector<std::uint32_t> words_from_msb_bytes(std::span<const std::uint8_t> bytes, unsigned word_nbits);
std::vector<std::uint8_t> msb_bytes_from_words(std::span<const std::uint32_t> words, unsigned word_nbits);

// Both models on one input: encode, decode the encoder's streams, check the words come
// back. retry_with_fix: where the published encoder hangs (Error::hardware_hang), run the
// encoder again with fix_last_bpc_hang and say so in rtl_hang, instead of failing.
// Failures: bad_parameter (no words, or more than k_max_hw_nwords), hardware_hang, the
// models' own errors, and internal "the decoder model did not return the input".
struct HwRoundTrip {
  HwEncodeReport enc;
  HwDecodeReport dec;
  bool rtl_hang = false;
};
Outcome<HwRoundTrip> hw_round_trip(std::span<const std::uint32_t> words, const HwConfig& config, bool retry_with_fix);

// One input's result of `ebpc hw sim` (and Python's ebpc.hw.sim): the published model's
// reports, or our RTL's (rtl/, measured_by_stage false: only cycles, streams and
// latencies are measured, the per-stage breakdowns are not), and the words of each lane
// (docs/format.md "Lanes"; one lane: N).
struct HwSimReport {
  HwEncodeReport enc;
  HwDecodeReport dec;
  bool measured_by_stage = true;
  std::vector<std::uint64_t> lane_nwords;
};

// The report as one JSON object, the one `ebpc hw sim --json` prints per file (without
// its "name") and Python's ebpc.hw.sim returns as a dict: words, nonzero_words, lanes
// {count, words}, encoder {...} and decoder {...} with the reports' fields (counts of cycles
// or words, as named; null where not measured).
std::string to_json(const HwSimReport& r);

}  // namespace ebpc::hw
