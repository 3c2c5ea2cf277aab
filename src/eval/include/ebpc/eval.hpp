// ebpc eval: the paper's study on datasets of real feature maps. Every map is quantised
// to every requested number format and coded by every requested codec, whole map as one
// stream, with exact (unpadded) bit counts: the numbers `ebpc measure` gives on the same
// quantised arrays (tests/eval checks this).
#pragma once

#include <cstdint>
#include <ebpc/codecs.hpp>
#include <ebpc/eval_dataset.hpp>
#include <ebpc/eval_quantise.hpp>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace ebpc::eval {

// What `ebpc eval` and Python's ebpc.torch.profile study when none are named.
inline constexpr std::string_view k_default_formats = "fixed8,fixed12,fixed16,float16,bfloat16,float32";
inline constexpr std::string_view k_default_codecs = "ebpc,zvc,zrle,bpc,zstd,lz4,ebpcx";

// Cycles of a hardware model on one array of W-bit words (ebpc eval --hw). The CLI, which
// links the cycle model (src/hw), provides it, so that src/eval does not depend on src/hw.
struct HwCycles {
  std::uint64_t encoder_ncycles = 0;
  std::uint64_t decoder_ncycles = 0;
  // The published RTL hangs on this map (docs/hardware.md, "A hang in the RTL"); the
  // cycles are those of the model with the one-line fix.
  bool rtl_hang = false;
};
using HwSimFn = std::function<Outcome<HwCycles>(std::span<const std::uint32_t> words, unsigned word_nbits)>;

struct EvalConfig {
  std::vector<NumberFormat> formats;
  // id, level, block_nwords, max_zero_run_nwords; word_nbits / elem_nbytes are set per format.
  std::vector<CodecParams> codecs;
  unsigned threads = 1;
  std::string dump_dir;  // non-empty: write every quantised map as .npy under it
  // Also size EBPC under the authors' evaluation quirks (paper_quirks.hpp) for fixed8 and
  // fixed16, the formats their scripts held in int8 / int16 arrays.
  bool quirks = false;
  // Set: also run the hardware model on every map of a format whose W it supports (8, 16).
  HwSimFn hw_sim;
  // Called after each (dataset, kind, layer) unit from a worker thread, serialised by a
  // mutex: done units, all units, and what was finished.
  std::function<void(std::size_t done, std::size_t total, const std::string& what)> progress;
  // Evaluate only shard shard_index of shard_count (0 <= index < count): the units of
  // eval_units() whose position k has k % shard_count == shard_index (eval_shard.hpp).
  unsigned shard_index = 0;
  unsigned shard_count = 1;
};

// One unit of work: all images of one (dataset, kind, layer), quantised together because
// the fixed-point scale is the max over those images. The unit of sharding, too.
struct UnitKey {
  std::size_t dataset = 0;
  MapKind kind = MapKind::activation;
  std::size_t layer = 0;
  auto operator<=>(const UnitKey&) const = default;
};

// Every unit that has at least one map, in a stable order: dataset (as given), kind
// (activations, then gradients), layer (forward order). It depends only on the manifests.
std::vector<UnitKey> eval_units(std::span<const Dataset> datasets);

// The units of shard index of count, in eval_units() order.
std::vector<UnitKey> shard_units(std::span<const Dataset> datasets, unsigned index, unsigned count);

// One map x format x codec.
struct ResultRow {
  std::size_t dataset = 0;  // index into the datasets given to run_eval
  MapKind kind = MapKind::activation;
  std::size_t image = 0;   // index into Dataset::images
  std::size_t layer = 0;   // index into Dataset::layers (forward order)
  std::size_t format = 0;  // index into EvalConfig::formats
  std::size_t codec = 0;   // index into EvalConfig::codecs
  std::uint64_t values = 0;
  std::uint64_t zero_values = 0;         // all W bits zero (-0.0 is not zero)
  std::uint64_t uncompressed_nbits = 0;  // values * W
  std::uint64_t compressed_nbits = 0;    // exact, unpadded (CodedSize::exact_nbits)
};

// One map x format under the paper's evaluation quirks (EvalConfig::quirks).
struct QuirkRow {
  std::size_t dataset = 0;
  MapKind kind = MapKind::activation;
  std::size_t image = 0;
  std::size_t layer = 0;
  std::size_t format = 0;
  std::uint64_t uncompressed_nbits = 0;
  // EBPC bits: the hardware format (no quirk), wrapped deltas, short last block, swapped
  // run codes, and all three together.
  std::uint64_t nbits[5] = {};
};

// One map x format through the hardware model (EvalConfig::hw_sim).
struct HwRow {
  std::size_t dataset = 0;
  MapKind kind = MapKind::activation;
  std::size_t image = 0;
  std::size_t layer = 0;
  std::size_t format = 0;
  std::uint64_t values = 0;
  std::uint64_t zero_values = 0;
  HwCycles cycles;
};

inline constexpr const char* k_quirk_names[5] = {"none (hardware format)", "wrapped deltas, W planes",
                                                 "short last block", "swapped zero-run codes", "all three"};

// Sizes of one quantised array under each codec, exactly as `ebpc measure` computes them:
// word codecs see the W-bit words (elements_to_words), byte codecs the element bytes.
struct ArraySizes {
  std::uint64_t values = 0;
  std::uint64_t zero_values = 0;
  std::uint64_t uncompressed_nbits = 0;
  std::vector<std::uint64_t> compressed_nbits;  // one per codec
};

// elems: element bytes of dtype; codecs as in EvalConfig; shape: the map's (C order), for
// ebpcx's contexts (set_array_geometry; empty: none). scratch is reused. Error: a message
// (invalid parameters for the width, an encoder error).
Outcome<ArraySizes> measure_array(std::span<const std::uint8_t> elems, DType dtype, unsigned word_nbits,
                                  std::span<const CodecParams> codecs, std::vector<std::uint8_t>& scratch,
                                  std::span<const std::uint64_t> shape = {});

// Rows ordered by dataset, kind, image, layer, format, codec, of the units of the
// config's shard (all units by default). Error: the first message of
// any unit (unreadable map, non-finite value in a fixed format, a dump that cannot be written).
// With config.quirks, quirk_rows (if given) receives the quirk sizes in the same order;
// with config.hw_sim, hw_rows (if given) the hardware model's cycles.
Outcome<std::vector<ResultRow>> run_eval(std::span<const Dataset> datasets, const EvalConfig& config,
                                         std::vector<QuirkRow>* quirk_rows = nullptr,
                                         std::vector<HwRow>* hw_rows = nullptr);

// The path a quantised map is dumped to: DIR/NETWORK/KIND/FORMAT/IMAGE/NN_LAYER.npy.
std::string dump_path(const std::string& dump_dir, const Dataset& d, MapKind kind, std::size_t image, std::size_t layer,
                      NumberFormat format);

}  // namespace ebpc::eval
