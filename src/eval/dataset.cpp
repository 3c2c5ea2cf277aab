#include <ebpc/eval_dataset.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <ebpc/npy.hpp>

#include "eval/eval_files.hpp"

namespace ebpc::eval {

namespace {

using Json = nlohmann::json;

using detail::bad;
using detail::read_text_file;

bool read_shape(const Json& j, std::vector<std::uint64_t>& shape) {
  if (!j.is_array() || j.empty()) {
    return false;
  }
  shape.clear();
  for (const Json& d : j) {
    if (!d.is_number_unsigned() || d.get<std::uint64_t>() == 0) {
      return false;
    }
    shape.push_back(d.get<std::uint64_t>());
  }
  return true;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s += (i == 0 ? "" : ",") + std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace

std::string_view kind_name(MapKind k) noexcept { return k == MapKind::activation ? "activation" : "gradient"; }

namespace {

Outcome<Dataset> parse_dataset_unguarded(const std::string& dir, const std::string& manifest) {
  const std::string manifest_path = dir + "/manifest.json";
  Json m;
  try {
    m = Json::parse(manifest);
  } catch (const Json::parse_error& e) {
    return bad(manifest_path, fmt::format("not valid JSON (byte {})", e.byte));
  } catch (const Json::exception& e) {
    // A number out of range (1e400) and the like.
    return bad(manifest_path, std::string("not a valid manifest: ") + e.what());
  }
  if (!m.is_object() || !m.contains("format") || m["format"] != "ebpc-dataset-1") {
    return bad(manifest_path, "not an ebpc dataset manifest (\"format\": \"ebpc-dataset-1\" expected)");
  }
  Dataset d;
  d.dir = dir;
  d.manifest = manifest;
  if (!m.contains("network") || !m["network"].is_string() || m["network"].get<std::string>().empty()) {
    return bad(manifest_path, "\"network\" missing");
  }
  d.network = m["network"].get<std::string>();
  if (m.contains("layout") && m["layout"] != "CHW") {
    return bad(manifest_path, "layout must be \"CHW\" (the paper's flattening order)");
  }
  if (!m.contains("images") || !m["images"].is_array() || m["images"].empty()) {
    return bad(manifest_path, "\"images\" missing or empty");
  }
  for (const Json& im : m["images"]) {
    if (!im.is_object() || !im.contains("name") || !im["name"].is_string()) {
      return bad(manifest_path, "an image without a \"name\"");
    }
    const std::string name = im["name"].get<std::string>();
    if (std::find(d.images.begin(), d.images.end(), name) != d.images.end()) {
      return bad(manifest_path, "image '" + name + "' listed twice");
    }
    d.images.push_back(name);
  }
  if (!m.contains("layers") || !m["layers"].is_array() || m["layers"].empty()) {
    return bad(manifest_path, "\"layers\" missing or empty");
  }
  for (const Json& l : m["layers"]) {
    DatasetLayer layer;
    if (!l.is_object() || !l.contains("name") || !l["name"].is_string() || !l.contains("index") ||
        !l["index"].is_number_unsigned() || !l.contains("shape") || !read_shape(l["shape"], layer.shape)) {
      return bad(manifest_path, "a layer needs \"name\", \"index\" and \"shape\"");
    }
    layer.name = l["name"].get<std::string>();
    layer.index = l["index"].get<unsigned>();
    for (const DatasetLayer& other : d.layers) {
      if (other.name == layer.name || other.index == layer.index) {
        return bad(manifest_path, "layer '" + layer.name + "' (or its index) listed twice");
      }
    }
    d.layers.push_back(std::move(layer));
  }
  std::stable_sort(d.layers.begin(), d.layers.end(),
                   [](const DatasetLayer& a, const DatasetLayer& b) { return a.index < b.index; });
  if (!m.contains("files") || !m["files"].is_array() || m["files"].empty()) {
    return bad(manifest_path, "\"files\" missing or empty");
  }
  std::set<std::tuple<int, std::size_t, std::size_t>> seen;
  for (const Json& f : m["files"]) {
    if (!f.is_object() || !f.contains("kind") || !f.contains("image") || !f.contains("layer") || !f.contains("path") ||
        !f["kind"].is_string() || !f["image"].is_string() || !f["layer"].is_string() || !f["path"].is_string()) {
      return bad(manifest_path, "a file entry needs \"kind\", \"image\", \"layer\" and \"path\"");
    }
    DatasetFile df;
    const std::string kind = f["kind"].get<std::string>();
    if (kind == "activation") {
      df.kind = MapKind::activation;
    } else if (kind == "gradient") {
      df.kind = MapKind::gradient;
    } else {
      return bad(manifest_path, "unknown file kind '" + kind + "' (activation or gradient)");
    }
    const std::string image = f["image"].get<std::string>();
    const auto im = std::find(d.images.begin(), d.images.end(), image);
    if (im == d.images.end()) {
      return bad(manifest_path, "file entry for unknown image '" + image + "'");
    }
    df.image = static_cast<std::size_t>(im - d.images.begin());
    const std::string layer = f["layer"].get<std::string>();
    const auto ly = std::find_if(d.layers.begin(), d.layers.end(), [&](const DatasetLayer& l) { return l.name == layer; });
    if (ly == d.layers.end()) {
      return bad(manifest_path, "file entry for unknown layer '" + layer + "'");
    }
    df.layer = static_cast<std::size_t>(ly - d.layers.begin());
    if (!seen.insert({static_cast<int>(df.kind), df.image, df.layer}).second) {
      return bad(manifest_path, fmt::format("two {} files for image '{}', layer '{}'", kind, image, layer));
    }
    const std::string rel = f["path"].get<std::string>();
    df.path = !rel.empty() && rel[0] == '/' ? rel : dir + "/" + rel;
    df.shape = ly->shape;
    if (f.contains("shape")) {
      if (!read_shape(f["shape"], df.shape) || df.shape != ly->shape) {
        return bad(manifest_path, "file " + rel + ": shape differs from layer '" + layer + "' " + shape_text(ly->shape));
      }
    }
    d.files.push_back(std::move(df));
  }
  return d;
}

}  // namespace

Outcome<Dataset> parse_dataset(const std::string& dir, const std::string& manifest) {
  try {
    return parse_dataset_unguarded(dir, manifest);
  } catch (const Json::exception& e) {
    // A field of an unexpected type or range that a check above missed: an error, not an abort.
    return bad(dir + "/manifest.json", std::string("not a valid manifest: ") + e.what());
  }
}

Outcome<Dataset> read_dataset(const std::string& dir) {
  const std::string manifest_path = dir + "/manifest.json";
  const auto text = read_text_file(manifest_path);
  if (!text) {
    return bad(manifest_path, "cannot read the dataset manifest", Error::io);
  }
  return parse_dataset(dir, *text);
}

Outcome<LayerValues> read_map(const DatasetFile& f) {
  auto a = read_npy(f.path);
  if (!a) {
    return bad(f.path, a.error() == Error::io ? "cannot read file" : std::string(error_message(a.error())), a.error());
  }
  if (a->header.dtype != DType::float16 && a->header.dtype != DType::float32) {
    return bad(f.path, "ebpc eval needs float16 or float32 maps (quantisation is part of the study)");
  }
  if (a->header.fortran_order) {
    return bad(f.path, "Fortran-order arrays are not supported (C order, C,H,W layout expected)");
  }
  if (a->header.shape != f.shape) {
    return bad(f.path, fmt::format("shape {} differs from the manifest's {}", shape_text(a->header.shape),
                                   shape_text(f.shape)));
  }
  LayerValues v;
  v.dtype = a->header.dtype;
  v.bytes = std::move(a->data);
  return v;
}

}  // namespace ebpc::eval
