// ebpc::rtl: our EBPC RTL (rtl/ebpc_encoder.sv, rtl/ebpc_decoder.sv) run in Verilator, for
// the co-simulation tests and `ebpc hw sim --design ours` (docs/hardware.md, "Our RTL").
// Cycle-count definitions: rtl_harness.hpp (the same as the model of the published design).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtl_harness.hpp"

namespace ebpc::rtl {

using rtl_test::BpcBeat;
using rtl_test::DecodedTx;
using rtl_test::DecoderInput;
using rtl_test::EncodedTx;
using rtl_test::Traffic;

// The parameter sets that are built: W/B = 8/8, 16/8, 16/16 (Z = 16).
bool rtl_has_config(unsigned word_nbits, unsigned block_nwords);

// Runs the encoder on transmissions back to back from reset (std::runtime_error when it does
// not finish within max_ncycles, or on a protocol error; std::invalid_argument for a
// parameter set that is not built).
std::vector<EncodedTx> rtl_encode(unsigned word_nbits, unsigned block_nwords,
                                  const std::vector<std::vector<std::uint32_t>>& txs, const Traffic& traffic,
                                  std::uint64_t max_ncycles);

// Runs the decoder on transmissions back to back from reset (the same errors).
std::vector<DecodedTx> rtl_decode(unsigned word_nbits, unsigned block_nwords, const std::vector<DecoderInput>& txs,
                                  const Traffic& traffic, std::uint64_t max_ncycles);

// The decoder's input for the encoder's output: ZNZ words, BPC words as 2-word handshakes.
DecoderInput decoder_input_of(std::uint64_t nwords, const std::vector<std::uint32_t>& znz_words,
                              const std::vector<std::uint32_t>& bpc_words);

}  // namespace ebpc::rtl
