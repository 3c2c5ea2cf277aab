// A size-only model of EBPC as the authors' evaluation scripts counted it, to measure how
// much each of their quirks (docs/stream-format.md "The paper's evaluation scripts") moves
// the ratios. With every quirk off it gives exactly the hardware format's
// exact bit count (tests/eval checks this against the codec); it writes no bits and is
// not a codec. Only used by `ebpc eval --quirks`.
#pragma once

#include <cstdint>
#include <span>

namespace ebpc::eval {

struct PaperQuirks {
  // Deltas wrap to W bits and W delta planes are coded (the scripts' int8 / int16
  // subtraction), instead of exact deltas in W+1 planes.
  bool wrapped_deltas = false;
  // The last block keeps its k < B words (k-1 deltas, (k-1)-bit planes) instead of being
  // padded with zero words; a last block of one word costs nothing.
  bool short_last_block = false;
  // Zero-DBX run codes swapped: a single all-zero plane costs 3 bits ('001'), a run of
  // r >= 2 costs 2 + log2(W) bits ('01' + r-2), as in Kim et al.'s BPC.
  bool swapped_run_codes = false;
};

// Exact (unpadded) bits of the ZNZ and BPC streams of words (W-bit patterns) with block
// size B and zero-run limit Z, under the given quirks. For the short last block, the
// one-bit / two-bit index codes keep log2(B) bits (how the scripts sized them is not
// documented; it affects one block per map).
std::uint64_t ebpc_quirk_nbits(std::span<const std::uint32_t> words, unsigned word_nbits, unsigned block_nwords,
                               unsigned max_zero_run_nwords, const PaperQuirks& quirks);

}  // namespace ebpc::eval
