// The aggregation behind the study's outputs (internal to src/eval): per-network, kind,
// format and codec sums over all images and layers, per image and per layer, and the
// comparisons the tables and plots share. Tables: report_tables.cpp; plots: report_plots.cpp.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <ebpc/eval_report.hpp>

namespace ebpc::eval::detail {

inline constexpr std::size_t k_all = static_cast<std::size_t>(-1);

struct Sum {
  std::uint64_t values = 0;
  std::uint64_t zero_values = 0;
  std::uint64_t uncompressed_nbits = 0;
  std::uint64_t compressed_nbits = 0;

  void add(const ResultRow& r) {
    values += r.values;
    zero_values += r.zero_values;
    uncompressed_nbits += r.uncompressed_nbits;
    compressed_nbits += r.compressed_nbits;
  }
  double ratio() const {
    return compressed_nbits == 0 ? 0.0 : static_cast<double>(uncompressed_nbits) / static_cast<double>(compressed_nbits);
  }
  double sparsity() const {
    return values == 0 ? 0.0 : static_cast<double>(zero_values) / static_cast<double>(values);
  }
};

// dataset, kind, format, codec, image (k_all: all), layer (k_all: all)
using Key = std::tuple<std::size_t, int, std::size_t, std::size_t, std::size_t, std::size_t>;

// Totals over all images and layers, per image and per layer.
class Tables {
 public:
  explicit Tables(const ReportInput& in) : in_(in) {
    for (const ResultRow& r : in.rows) {
      const int k = static_cast<int>(r.kind);
      sums_[Key{r.dataset, k, r.format, r.codec, k_all, k_all}].add(r);
      sums_[Key{r.dataset, k, r.format, r.codec, r.image, k_all}].add(r);
      sums_[Key{r.dataset, k, r.format, r.codec, k_all, r.layer}].add(r);
    }
  }
  const Sum* get(std::size_t d, MapKind kind, std::size_t format, std::size_t codec, std::size_t image = k_all,
                 std::size_t layer = k_all) const {
    auto it = sums_.find(Key{d, static_cast<int>(kind), format, codec, image, layer});
    return it == sums_.end() ? nullptr : &it->second;
  }
  bool has_kind(std::size_t d, MapKind kind) const { return get(d, kind, 0, 0) != nullptr; }
  std::vector<MapKind> kinds(std::size_t d) const {
    std::vector<MapKind> k;
    for (const MapKind m : {MapKind::activation, MapKind::gradient}) {
      if (has_kind(d, m)) {
        k.push_back(m);
      }
    }
    return k;
  }
  std::string codec_name(std::size_t c) const { return codec_spec(in_.config->codecs[c]); }
  std::string format_name(std::size_t f) const { return std::string(format_info(in_.config->formats[f]).name); }
  std::size_t ncodecs() const { return in_.config->codecs.size(); }
  std::size_t nformats() const { return in_.config->formats.size(); }
  // Index of the first codec with this id, or k_all.
  std::size_t find(CodecId id) const {
    for (std::size_t c = 0; c < ncodecs(); ++c) {
      if (in_.config->codecs[c].id == id) {
        return c;
      }
    }
    return k_all;
  }
  // Images that have maps of this kind.
  std::size_t nimages(std::size_t d, MapKind kind) const {
    std::size_t n = 0;
    for (std::size_t im = 0; im < in_.datasets[d].images.size(); ++im) {
      n += get(d, kind, 0, 0, im) != nullptr ? 1u : 0u;
    }
    return n;
  }
  // Per-image ratios of one (dataset, kind, format, codec), sorted.
  std::vector<double> image_ratios(std::size_t d, MapKind kind, std::size_t f, std::size_t c) const {
    std::vector<double> v;
    for (std::size_t im = 0; im < in_.datasets[d].images.size(); ++im) {
      if (const Sum* s = get(d, kind, f, c, im)) {
        v.push_back(s->ratio());
      }
    }
    std::sort(v.begin(), v.end());
    return v;
  }

 private:
  const ReportInput& in_;
  std::map<Key, Sum> sums_;
};

// Linear-interpolation quantile of sorted values (q in [0, 1]).
inline double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0.0;
  }
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = pos - static_cast<double>(lo);
  return sorted[lo] * (1.0 - t) + sorted[hi] * t;
}

inline std::string images_text(std::size_t n) { return n == 1 ? "1 image" : fmt::format("{} images", n); }

inline std::string pct(double x) { return fmt::format("{:.1f}%", 100.0 * x); }

inline bool is_paper_baseline(CodecId id) { return id == CodecId::zvc || id == CodecId::zrle || id == CodecId::bpc; }
inline bool is_general_purpose(CodecId id) { return id == CodecId::zstd || id == CodecId::lz4 || id == CodecId::deflate; }

// The best codec (highest total ratio) among those for which pred holds; k_all if none.
template <class Pred>
std::size_t best_codec(const Tables& t, const EvalConfig& config, std::size_t d, MapKind kind, std::size_t f, Pred pred) {
  std::size_t best = k_all;
  double best_ratio = -1.0;
  for (std::size_t c = 0; c < config.codecs.size(); ++c) {
    const Sum* s = t.get(d, kind, f, c);
    if (pred(config.codecs[c].id) && s != nullptr && s->ratio() > best_ratio) {
      best = c;
      best_ratio = s->ratio();
    }
  }
  return best;
}

inline std::string gain_cell(const Tables& t, std::size_t d, MapKind kind, std::size_t f, std::size_t ebpc, std::size_t other) {
  if (other == k_all) {
    return "| n/a | n/a ";
  }
  const double e = t.get(d, kind, f, ebpc)->ratio();
  const double o = t.get(d, kind, f, other)->ratio();
  return fmt::format("| {} {:.3f} | {:+.1f}% ", t.codec_name(other), o, 100.0 * (e / o - 1.0));
}

}  // namespace ebpc::eval::detail
