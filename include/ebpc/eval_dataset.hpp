// A dataset directory as tools/extract writes it (format "ebpc-dataset-1"): manifest.json
// plus one .npy (or .npy.zst) per kind, image and layer. docs/datasets.md describes it.
#pragma once

#include <cstdint>
#include <string>
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
};

struct Dataset {
  std::string dir;
  std::string network;
  std::vector<std::string> images;     // manifest order
  std::vector<DatasetLayer> layers;    // forward order (sorted by index)
  std::vector<DatasetFile> files;
  std::string manifest;                // the manifest's text, as read (shard files carry it)
};

// Reads DIR/manifest.json. Errors are one-line messages naming the file and the problem
// (missing manifest, wrong format tag, a file entry naming an unknown image or layer,
// duplicate entries, a shape that differs from its layer's).
Outcome<Dataset> read_dataset(const std::string& dir);

// The same from a manifest's text, as if read from DIR/manifest.json (ebpc eval merge
// rebuilds the datasets of its shard files with it; paths are resolved against dir).
Outcome<Dataset> parse_dataset(const std::string& dir, const std::string& manifest);

// Reads one map and checks its shape against the manifest (message on error).
Outcome<LayerValues> read_map(const DatasetFile& f);

}  // namespace ebpc::eval
