// A dataset directory as tools/extract writes it (format "ebpc-dataset-1"): manifest.json
// plus one .npy (or .npy.zst) per kind, image and layer. docs/datasets.md describes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include <ebpc/eval_quantise.hpp>

namespace ebpc::eval {

enum class MapKind : std::uint8_t { activation, gradient };

std::string_view kind_name(MapKind k) noexcept;  // "activation", "gradient"

struct DatasetLayer {
  std::string name;
  unsigned index = 0;                  // forward order
  std::vector<std::uint64_t> shape;
};

struct DatasetFile {
  MapKind kind = MapKind::activation;
  std::size_t image = 0;  // index into Dataset::images
  std::size_t layer = 0;  // index into Dataset::layers
  std::string path;       // absolute or relative to the working directory (dir + manifest path)
  std::vector<std::uint64_t> shape;
  // Non-empty: the dataset directory the file must stay inside after resolving symbolic
  // links (read_map checks it); empty when DatasetOptions::allow_outside_paths was given.
  std::string confine_to;
  std::optional<DType> dtype;          // the manifest's (the file's "dtype", else the dataset's)
  std::optional<double> zero_fraction; // the manifest's, 6 decimals (tools/extract rounds it)
  bool plus_zero_only = false;         // the manifest declares "zero_canonicalisation": no -0.0
};

struct Dataset {
  std::string dir;
  std::string network;
  std::vector<std::string> images;     // manifest order
  std::vector<DatasetLayer> layers;    // forward order (sorted by index)
  std::vector<DatasetFile> files;
  std::string manifest;                // the manifest's text, as read (shard files carry it)
};

// A dataset is untrusted input (people download and share them): docs/datasets.md, "What a
// dataset may contain".
struct DatasetOptions {
  // false (the default): every file path is relative, has no ".." component and, after
  // resolving symbolic links, stays inside the dataset directory. true: any path
  // (ebpc eval --allow-outside-paths).
  bool allow_outside_paths = false;
};

// Why s is not a valid network, image or layer name, or nullopt when it is: 1 to 256
// bytes, no control character (bytes 0x00-0x1f, 0x7f), no leading or trailing space.
// Names reach plots, CSV and Markdown only through their escaping functions; this rule
// keeps every output one line per record.
std::optional<std::string> name_problem(std::string_view s);

// Reads DIR/manifest.json (a regular file of at most 64 MiB). Errors are one-line messages
// naming the file and the problem (missing manifest, wrong format tag, a bad name, a path
// leaving the dataset, a file entry naming an unknown image or layer, duplicate entries, a
// shape or dtype that differs from its layer's or the dataset's).
Outcome<Dataset> read_dataset(const std::string& dir, const DatasetOptions& options = {});

// The same from a manifest's text, as if read from DIR/manifest.json (ebpc eval merge
// rebuilds the datasets of its shard files with it; paths are resolved against dir).
Outcome<Dataset> parse_dataset(const std::string& dir, const std::string& manifest,
                               const DatasetOptions& options = {});

// Reads one map (a regular file only: a FIFO or device is refused without blocking) and
// checks it against the manifest: inside the dataset after resolving links (unless
// allowed), shape, dtype, no -0.0 where the manifest declares canonical zeros, and the
// declared zero fraction. Message on error, naming the file.
Outcome<LayerValues> read_map(const DatasetFile& f);

}  // namespace ebpc::eval
