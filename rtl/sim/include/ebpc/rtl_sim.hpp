// ebpc::rtl: our EBPC RTL (rtl/ebpc_encoder.sv, rtl/ebpc_decoder.sv, and their lane tops
// rtl/ebpc_encoder_lanes.sv, rtl/ebpc_decoder_lanes.sv) run in Verilator, for the
// co-simulation tests and `ebpc hw sim --design ours` (docs/hardware.md, "Our RTL", "Lanes").
// Cycle-count definitions: rtl/sim/rtl_harness.hpp (the same as the model of the published
// design). Built only with -DEBPC_WITH_RTL (Verilator): link ebpc_rtl_sim.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <ebpc/ebpc.hpp>

namespace ebpc::rtl {

struct Traffic {
  double in_bubble = 0.0;  // probability per cycle that a driver holds valid low
  double out_ready = 1.0;  // probability per cycle that a sink is ready
  std::uint64_t seed = 1;
};

// One BPC handshake: two W-bit words (hi first) or, on the last one, possibly only hi.
struct BpcBeat {
  std::uint32_t hi = 0;
  std::uint32_t lo = 0;
  bool pair = true;
  bool last = false;
};

struct EncodedTx {
  std::vector<std::uint32_t> znz_words;
  std::vector<std::uint32_t> bpc_words;
  std::vector<BpcBeat> bpc_beats;
  std::uint64_t ncycles = 0;      // cycles of this transmission (first one: from reset)
  std::uint64_t first_cycle = 0;  // cycle of its first input handshake
  std::uint64_t last_in_cycle = 0;
  std::optional<std::uint64_t> first_znz_cycle;  // absolute cycles (from reset)
  std::optional<std::uint64_t> first_bpc_cycle;  // none when every word is zero
};

struct DecodedTx {
  std::vector<std::uint32_t> words;
  std::uint64_t ncycles = 0;
  std::optional<std::uint64_t> first_output_cycle;  // absolute cycle (from reset)
};

struct DecoderInput {
  std::uint64_t nwords = 0;
  std::vector<std::uint32_t> znz_words;
  std::vector<BpcBeat> bpc_beats;
};


// The parameter sets that are built: W/B = 8/8, 16/8, 16/16 (Z = 16).
bool rtl_has_config(unsigned word_nbits, unsigned block_nwords);

// Runs the encoder on transmissions back to back from reset. Failures: limit_exceeded (it
// does not finish within max_ncycles), corrupt (the model broke the port protocol: an RTL
// bug), bad_parameter (a parameter set that is not built).
Outcome<std::vector<EncodedTx>> rtl_encode(unsigned word_nbits, unsigned block_nwords,
                                  const std::vector<std::vector<std::uint32_t>>& txs, const Traffic& traffic,
                                  std::uint64_t max_ncycles);

// Runs the decoder on transmissions back to back from reset (the same failures).
Outcome<std::vector<DecodedTx>> rtl_decode(unsigned word_nbits, unsigned block_nwords, const std::vector<DecoderInput>& txs,
                                  const Traffic& traffic, std::uint64_t max_ncycles);

// The decoder's input for the encoder's output: ZNZ words, BPC words as 2-word handshakes.
DecoderInput decoder_input_of(std::uint64_t nwords, const std::vector<std::uint32_t>& znz_words,
                              const std::vector<std::uint32_t>& bpc_words);

// ---- lanes (docs/hardware.md "Lanes") ------------------------------------------------------
// The lane tops put LANES lane engines (the tops above, unchanged) behind one port of LANES
// words. A buffer of N words is cut into lanes as docs/format.md "Lanes" defines them with
// L = LANES (ebpc::lane_count, ebpc::lane_stride_nwords in <ebpc/codecs.hpp>): beat t of the
// port carries word t of every lane that has one.

// The parameter sets that are built: LANES = 1, 2, 4, 8 at W/B = 8/8 (Z = 16).
bool rtl_has_lanes_config(unsigned word_nbits, unsigned block_nwords, unsigned lanes);

struct LanesEncodedBuf {
  std::vector<EncodedTx> lanes;   // lane k's streams and first cycles (its ncycles: 0, not measured per lane)
  std::uint64_t ncycles = 0;      // cycles of this buffer: as EncodedTx, over the streams of all its lanes
  std::uint64_t first_cycle = 0;  // cycle of its first input beat
  std::uint64_t last_in_cycle = 0;  // cycle of its last input beat
};

// Runs the lane encoder on buffers back to back from reset (the failures of rtl_encode).
Outcome<std::vector<LanesEncodedBuf>> rtl_encode_lanes(unsigned word_nbits, unsigned block_nwords, unsigned lanes,
                                              const std::vector<std::vector<std::uint32_t>>& buffers,
                                              const Traffic& traffic, std::uint64_t max_ncycles);

// Runs the lane decoder on buffers back to back from reset: buffers[i] holds one
// DecoderInput per lane of buffer i (lane k's word count and streams; at most LANES lanes,
// in lane order). The result's words are the buffer's (lane 0's words, then lane 1's, ...);
// the failures of rtl_decode (corrupt also when an output beat's lane mask or last flags are
// not the lanes': docs/hardware.md "Lanes").
Outcome<std::vector<DecodedTx>> rtl_decode_lanes(unsigned word_nbits, unsigned block_nwords, unsigned lanes,
                                        const std::vector<std::vector<DecoderInput>>& buffers,
                                        const Traffic& traffic, std::uint64_t max_ncycles);

}  // namespace ebpc::rtl
