#include <ebpc/eval_dataset.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>
#include <tuple>

#include <ebpc/container.hpp>
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

// Why rel is not an acceptable manifest path, or nullopt. Control characters (NUL
// included) are refused always; absolute paths and ".." components unless allowed.
std::optional<std::string> path_problem(const std::string& rel, bool allow_outside) {
  if (rel.empty()) {
    return "an empty path";
  }
  for (const char ch : rel) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x20 || b == 0x7f) {
      return fmt::format("a path with a control character (byte 0x{:02x})", b);
    }
  }
  if (allow_outside) {
    return std::nullopt;
  }
  if (rel[0] == '/') {
    return "an absolute path (paths stay inside the dataset; --allow-outside-paths allows others)";
  }
  std::size_t start = 0;
  while (start <= rel.size()) {
    const std::size_t end = std::min(rel.find('/', start), rel.size());
    if (rel.compare(start, end - start, "..") == 0) {
      return "a path with a '..' component (paths stay inside the dataset; --allow-outside-paths allows others)";
    }
    start = end + 1;
  }
  return std::nullopt;
}

// The dtype a manifest names ("float16" or "float32"), or nullopt.
std::optional<DType> map_dtype(const Json& j) {
  if (!j.is_string()) {
    return std::nullopt;
  }
  if (j == "float16") {
    return DType::float16;
  }
  if (j == "float32") {
    return DType::float32;
  }
  return std::nullopt;
}

std::string realpath_of(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) == nullptr ? std::string() : std::string(buf);
}

}  // namespace

std::optional<std::string> name_problem(std::string_view s) {
  if (s.empty()) {
    return "empty";
  }
  if (s.size() > 256) {
    return fmt::format("{} bytes long (at most 256)", s.size());
  }
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x20 || b == 0x7f) {
      return fmt::format("holds a control character (byte 0x{:02x})", b);
    }
  }
  if (s.front() == ' ' || s.back() == ' ') {
    return "begins or ends with a space";
  }
  return std::nullopt;
}

std::string_view kind_name(MapKind k) noexcept { return k == MapKind::activation ? "activation" : "gradient"; }

namespace {

// "network 'x' ..." with the name shown as JSON would write it (no raw control character
// reaches the one-line error).
std::string json_quoted(const std::string& s) { return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace); }

Outcome<Dataset> parse_dataset_unguarded(const std::string& dir, const std::string& manifest,
                                         const DatasetOptions& options) {
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
  for (const char ch : dir) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return bad(json_quoted(dir), "a dataset directory name with a control character");
    }
  }
  Dataset d;
  d.dir = dir;
  d.manifest = manifest;
  if (!m.contains("network") || !m["network"].is_string() || m["network"].get<std::string>().empty()) {
    return bad(manifest_path, "\"network\" missing");
  }
  d.network = m["network"].get<std::string>();
  if (const auto why = name_problem(d.network)) {
    return bad(manifest_path, "network name " + json_quoted(d.network) + ": " + *why);
  }
  std::optional<DType> dataset_dtype;
  if (m.contains("dtype")) {
    dataset_dtype = map_dtype(m["dtype"]);
    if (!dataset_dtype) {
      return bad(manifest_path, "\"dtype\" must be \"float16\" or \"float32\"");
    }
  }
  bool plus_zero_only = false;
  if (m.contains("zero_canonicalisation")) {
    if (!m["zero_canonicalisation"].is_string()) {
      return bad(manifest_path, "\"zero_canonicalisation\" must be a text");
    }
    plus_zero_only = true;
  }
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
    if (const auto why = name_problem(name)) {
      return bad(manifest_path, "image name " + json_quoted(name) + ": " + *why);
    }
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
    if (const auto why = name_problem(layer.name)) {
      return bad(manifest_path, "layer name " + json_quoted(layer.name) + ": " + *why);
    }
    if (l["index"].get<std::uint64_t>() > 0xffffffffu) {
      return bad(manifest_path, "layer '" + layer.name + "': index out of range");
    }
    layer.index = l["index"].get<unsigned>();
    // Bounded so that values x 32 bits and their sums over a study never wrap.
    std::uint64_t nvalues = 1;
    for (const std::uint64_t x : layer.shape) {
      if (__builtin_mul_overflow(nvalues, x, &nvalues) || nvalues > (std::uint64_t{1} << 40)) {
        return bad(manifest_path, "layer '" + layer.name + "': shape of more than 2^40 values");
      }
    }
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
    if (const auto why = path_problem(rel, options.allow_outside_paths)) {
      return bad(manifest_path, fmt::format("file entry for image '{}', layer '{}': {}", image, layer, *why));
    }
    df.path = rel[0] == '/' ? rel : dir + "/" + rel;
    if (!options.allow_outside_paths) {
      df.confine_to = dir;
    }
    df.dtype = dataset_dtype;
    if (f.contains("dtype")) {
      df.dtype = map_dtype(f["dtype"]);
      if (!df.dtype || (dataset_dtype && *df.dtype != *dataset_dtype)) {
        return bad(manifest_path, "file " + rel + ": \"dtype\" must be the dataset's, float16 or float32");
      }
    }
    if (f.contains("zero_fraction")) {
      if (!f["zero_fraction"].is_number() || !(f["zero_fraction"].get<double>() >= 0.0) ||
          f["zero_fraction"].get<double>() > 1.0) {
        return bad(manifest_path, "file " + rel + ": \"zero_fraction\" must be a number in [0, 1]");
      }
      df.zero_fraction = f["zero_fraction"].get<double>();
    }
    df.plus_zero_only = plus_zero_only;
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

Outcome<Dataset> parse_dataset(const std::string& dir, const std::string& manifest, const DatasetOptions& options) {
  try {
    return parse_dataset_unguarded(dir, manifest, options);
  } catch (const Json::exception& e) {
    // A field of an unexpected type or range that a check above missed: an error, not an abort.
    return bad(dir + "/manifest.json", std::string("not a valid manifest: ") + e.what());
  }
}

Outcome<Dataset> read_dataset(const std::string& dir, const DatasetOptions& options) {
  const std::string manifest_path = dir + "/manifest.json";
  const auto text = read_text_file(manifest_path, std::uint64_t{64} << 20);
  if (!text) {
    return bad(manifest_path, "cannot read the dataset manifest (a regular file of at most 64 MiB)", Error::io);
  }
  return parse_dataset(dir, *text, options);
}

Outcome<LayerValues> read_map(const DatasetFile& f) {
  // Where the path leads once every symbolic link is resolved: inside the dataset unless
  // the user allowed otherwise, and a regular file (a FIFO would block the read forever).
  const std::string resolved = realpath_of(f.path);
  if (resolved.empty()) {
    return bad(f.path, std::string("cannot read file (") + std::strerror(errno) + ")", Error::io);
  }
  if (!f.confine_to.empty()) {
    const std::string root = realpath_of(f.confine_to);
    if (root.empty() || resolved.size() <= root.size() + 1 || resolved.compare(0, root.size(), root) != 0 ||
        (root != "/" && resolved[root.size()] != '/')) {
      return bad(f.path, "leads outside the dataset directory (to " + resolved +
                             "; ebpc eval --allow-outside-paths allows it)",
                 Error::bad_parameter);
    }
  }
  struct stat st {};
  if (::stat(resolved.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return bad(f.path, "not a regular file", Error::io);
  }
  // The resolved path is read (what was checked), with the manifest path's compression.
  const bool zst = f.path.size() >= 4 && f.path.compare(f.path.size() - 4, 4, ".zst") == 0;
  auto a = read_npy(resolved, std::uint64_t{16} << 30, zst);
  if (!a) {
    return bad(f.path, a.error().code == Error::io ? "cannot read file" : std::string(error_message(a.error().code)),
               a.error().code);
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
  if (f.dtype && a->header.dtype != *f.dtype) {
    return bad(f.path, fmt::format("dtype {} differs from the manifest's {}", dtype_info(a->header.dtype)->name,
                                   dtype_info(*f.dtype)->name));
  }
  LayerValues v;
  v.dtype = a->header.dtype;
  v.bytes = std::move(a->data);
  // Zero words (+0.0, all bits zero) and the manifest's -0.0 rule.
  const std::size_t n = v.size();
  std::uint64_t zeros = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t w = 0;
    if (v.dtype == DType::float16) {
      w = static_cast<std::uint32_t>(v.bytes[2 * i] | (v.bytes[2 * i + 1] << 8));
    } else {
      std::memcpy(&w, v.bytes.data() + 4 * i, 4);
    }
    const std::uint32_t minus_zero = v.dtype == DType::float16 ? 0x8000u : 0x80000000u;
    if (f.plus_zero_only && w == minus_zero) {
      return bad(f.path, fmt::format("-0.0 at flat index {}, but the manifest's \"zero_canonicalisation\" says "
                                     "every stored zero is +0.0",
                                     i));
    }
    zeros += w == 0 ? 1 : 0;
  }
  if (f.zero_fraction && n != 0) {
    const double actual = static_cast<double>(zeros) / static_cast<double>(n);
    if (std::abs(actual - *f.zero_fraction) > 5.01e-7) {
      return bad(f.path, fmt::format("zero fraction {:.6f} differs from the manifest's {:.6f}", actual,
                                     *f.zero_fraction));
    }
  }
  return v;
}

}  // namespace ebpc::eval
