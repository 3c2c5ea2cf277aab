#include <ebpc/eval_report.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sys/wait.h>
#include <tuple>

extern char** environ;

namespace ebpc::eval {

namespace {

constexpr std::size_t k_all = static_cast<std::size_t>(-1);

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
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0.0;
  }
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = pos - static_cast<double>(lo);
  return sorted[lo] * (1.0 - t) + sorted[hi] * t;
}

std::string images_text(std::size_t n) { return n == 1 ? "1 image" : fmt::format("{} images", n); }

std::string pct(double x) { return fmt::format("{:.1f}%", 100.0 * x); }

bool is_paper_baseline(CodecId id) { return id == CodecId::zvc || id == CodecId::zrle || id == CodecId::bpc; }
bool is_general_purpose(CodecId id) { return id == CodecId::zstd || id == CodecId::lz4 || id == CodecId::deflate; }

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

std::string gain_cell(const Tables& t, std::size_t d, MapKind kind, std::size_t f, std::size_t ebpc, std::size_t other) {
  if (other == k_all) {
    return "| n/a | n/a ";
  }
  const double e = t.get(d, kind, f, ebpc)->ratio();
  const double o = t.get(d, kind, f, other)->ratio();
  return fmt::format("| {} {:.3f} | {:+.1f}% ", t.codec_name(other), o, 100.0 * (e / o - 1.0));
}

std::string escape_gnuplot(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    out += ch;
    if (ch == '\'') {
      out += '\'';
    }
  }
  return out;
}

// A file name part: letters, digits, '-', '_' and '.' kept, anything else '_'.
std::string file_part(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '_' || ch == '.';
    out += ok ? ch : '_';
  }
  return out;
}

// Fixed colours per codec name, so that every plot uses the same ones.
std::string codec_colour(const std::string& name) {
  if (name == "ebpc") {
    return "#c0392b";
  }
  if (name == "zvc") {
    return "#2e86c1";
  }
  if (name == "zrle") {
    return "#85c1e9";
  }
  if (name == "bpc") {
    return "#1e8449";
  }
  if (name.rfind("zstd", 0) == 0) {
    return "#7d3c98";
  }
  if (name == "lz4") {
    return "#b7950b";
  }
  return "#7f8c8d";
}

}  // namespace

std::string results_csv(const ReportInput& in) {
  std::string s = "network,kind,image,layer_index,layer,format,codec,values,zero_values,uncompressed_bits,compressed_bits\n";
  for (const ResultRow& r : in.rows) {
    const Dataset& d = in.datasets[r.dataset];
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", d.network, kind_name(r.kind), d.images[r.image],
                     d.layers[r.layer].index, d.layers[r.layer].name, format_info(in.config->formats[r.format]).name,
                     codec_spec(in.config->codecs[r.codec]), r.values, r.zero_values, r.uncompressed_nbits,
                     r.compressed_nbits);
  }
  return s;
}

std::string summary_markdown(const ReportInput& in, bool headline_only) {
  const Tables t(in);
  const EvalConfig& config = *in.config;
  std::string s;
  if (!headline_only) {
    s += "# ebpc eval: summary\n\n";
    s += "Compression ratio = sum of uncompressed bits / sum of exact (unpadded) compressed bits, each map coded "
         "whole as one stream of W-bit words. Sparsity = fraction of all-zero words in that format. "
         "Quantisation: docs/results.md.\n\n";
    for (const Dataset& d : in.datasets) {
      std::string names;
      for (const std::string& im : d.images) {
        names += (names.empty() ? "" : ", ") + im;
      }
      s += fmt::format("- `{}`: {} ({} images: {}; {} layers; {} maps)\n", d.dir, d.network, d.images.size(), names,
                       d.layers.size(), d.files.size());
    }
    s += "\n";
  }
  s += "## Total compression ratio\n\n";
  for (std::size_t d = 0; d < in.datasets.size(); ++d) {
    for (const MapKind kind : t.kinds(d)) {
      s += fmt::format("### {}, {}s\n\n| format | W | sparsity |", in.datasets[d].network, kind_name(kind));
      std::string rule = "| --- | ---: | ---: |";
      for (std::size_t c = 0; c < t.ncodecs(); ++c) {
        s += " " + t.codec_name(c) + " |";
        rule += " ---: |";
      }
      s += "\n" + rule + "\n";
      for (std::size_t f = 0; f < t.nformats(); ++f) {
        const Sum* any = t.get(d, kind, f, 0);
        s += fmt::format("| {} | {} | {} |", t.format_name(f), format_info(config.formats[f]).word_nbits,
                         pct(any->sparsity()));
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          s += fmt::format(" {:.3f} |", t.get(d, kind, f, c)->ratio());
        }
        s += "\n";
      }
      s += "\n";
    }
  }
  const std::size_t ebpc = t.find(CodecId::ebpc);
  if (ebpc != k_all) {
    s += "## Gain of EBPC over the best baseline\n\n"
         "Gain = EBPC's total ratio / the other codec's total ratio - 1; the best codec is picked per row.\n\n"
         "| network | kind | format | EBPC | best of zrle/zvc/bpc | gain | best general-purpose | gain |\n"
         "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (std::size_t d = 0; d < in.datasets.size(); ++d) {
      for (const MapKind kind : t.kinds(d)) {
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          s += fmt::format("| {} | {} | {} | {:.3f} ", in.datasets[d].network, kind_name(kind), t.format_name(f),
                           t.get(d, kind, f, ebpc)->ratio());
          s += gain_cell(t, d, kind, f, ebpc, best_codec(t, config, d, kind, f, is_paper_baseline));
          s += gain_cell(t, d, kind, f, ebpc, best_codec(t, config, d, kind, f, is_general_purpose));
          s += "|\n";
        }
      }
    }
    s += "\n";
    bool any_gradients = false;
    for (std::size_t d = 0; d < in.datasets.size(); ++d) {
      any_gradients = any_gradients || (t.has_kind(d, MapKind::gradient) && t.has_kind(d, MapKind::activation));
    }
    if (any_gradients) {
      s += "## Activations vs gradients (EBPC)\n\n"
           "| network | format | activation sparsity | activation ratio | gradient sparsity | gradient ratio |\n"
           "| --- | --- | ---: | ---: | ---: | ---: |\n";
      for (std::size_t d = 0; d < in.datasets.size(); ++d) {
        if (!t.has_kind(d, MapKind::gradient) || !t.has_kind(d, MapKind::activation)) {
          continue;
        }
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          const Sum* a = t.get(d, MapKind::activation, f, ebpc);
          const Sum* g = t.get(d, MapKind::gradient, f, ebpc);
          s += fmt::format("| {} | {} | {} | {:.3f} | {} | {:.3f} |\n", in.datasets[d].network, t.format_name(f),
                           pct(a->sparsity()), a->ratio(), pct(g->sparsity()), g->ratio());
        }
      }
      s += "\n";
    }
  }
  if (headline_only) {
    return s;
  }
  s += "## Per-image totals (frame-to-frame variation)\n\n"
       "Each image's total ratio over all layers; min / median / max over the images.\n\n"
       "| network | kind | format | codec | images | min | median | max |\n"
       "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |\n";
  for (std::size_t d = 0; d < in.datasets.size(); ++d) {
    for (const MapKind kind : t.kinds(d)) {
      for (std::size_t f = 0; f < t.nformats(); ++f) {
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          const std::vector<double> v = t.image_ratios(d, kind, f, c);
          s += fmt::format("| {} | {} | {} | {} | {} | {:.3f} | {:.3f} | {:.3f} |\n", in.datasets[d].network,
                           kind_name(kind), t.format_name(f), t.codec_name(c), v.size(), v.front(), quantile(v, 0.5),
                           v.back());
        }
      }
    }
  }
  s += "\n## Per-layer ratio and sparsity\n\n"
       "Per layer, summed over the images. Values = per image.\n\n";
  for (std::size_t d = 0; d < in.datasets.size(); ++d) {
    const Dataset& ds = in.datasets[d];
    for (const MapKind kind : t.kinds(d)) {
      for (std::size_t f = 0; f < t.nformats(); ++f) {
        s += fmt::format("### {}, {}s, {}\n\n| # | layer | values | sparsity |", ds.network, kind_name(kind),
                         t.format_name(f));
        std::string rule = "| ---: | --- | ---: | ---: |";
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          s += " " + t.codec_name(c) + " |";
          rule += " ---: |";
        }
        s += "\n" + rule + "\n";
        for (std::size_t l = 0; l < ds.layers.size(); ++l) {
          const Sum* any = t.get(d, kind, f, 0, k_all, l);
          if (any == nullptr) {
            continue;
          }
          std::uint64_t per_image = 1;
          for (const std::uint64_t x : ds.layers[l].shape) {
            per_image *= x;
          }
          s += fmt::format("| {} | {} | {} | {} |", ds.layers[l].index, ds.layers[l].name, per_image,
                           pct(any->sparsity()));
          for (std::size_t c = 0; c < t.ncodecs(); ++c) {
            s += fmt::format(" {:.3f} |", t.get(d, kind, f, c, k_all, l)->ratio());
          }
          s += "\n";
        }
        s += "\n";
      }
    }
  }
  return s;
}

std::string quirks_markdown(const ReportInput& in, std::span<const QuirkRow> quirk_rows) {
  // dataset, kind, format -> uncompressed bits, bits per variant
  std::map<std::tuple<std::size_t, int, std::size_t>, std::array<std::uint64_t, 6>> sums;
  for (const QuirkRow& q : quirk_rows) {
    auto& s = sums[{q.dataset, static_cast<int>(q.kind), q.format}];
    s[0] += q.uncompressed_nbits;
    for (std::size_t k = 0; k < 5; ++k) {
      s[k + 1] += q.nbits[k];
    }
  }
  std::string s = "## EBPC under the authors' evaluation quirks\n\n"
                  "Total EBPC ratio in the hardware format (the codec) and as the authors' scripts would count it "
                  "with each quirk alone and all together (size model in src/eval/paper_quirks.cpp; fixed8 and "
                  "fixed16 only, the formats held in int8 / int16 arrays). Float deltas are not modelled.\n\n"
                  "| network | kind | format |";
  std::string rule = "| --- | --- | --- |";
  for (const char* name : k_quirk_names) {
    s += fmt::format(" {} |", name);
    rule += " ---: |";
  }
  s += "\n" + rule + "\n";
  for (const auto& [key, v] : sums) {
    const auto& [d, kind, f] = key;
    s += fmt::format("| {} | {} | {} |", in.datasets[d].network, kind_name(static_cast<MapKind>(kind)),
                     format_info(in.config->formats[f]).name);
    const double base = static_cast<double>(v[0]) / static_cast<double>(v[1]);
    for (std::size_t k = 1; k < 6; ++k) {
      const double r = static_cast<double>(v[0]) / static_cast<double>(v[k]);
      s += k == 1 ? fmt::format(" {:.3f} |", r) : fmt::format(" {:.3f} ({:+.1f}%) |", r, 100.0 * (r / base - 1.0));
    }
    s += "\n";
  }
  return s + "\n";
}

std::string hw_markdown(const ReportInput& in, std::span<const HwRow> hw_rows, bool per_layer) {
  struct Sum {
    std::uint64_t values = 0;
    std::uint64_t zero_values = 0;
    std::uint64_t encoder_ncycles = 0;
    std::uint64_t decoder_ncycles = 0;
    std::uint64_t maps = 0;
    std::uint64_t hangs = 0;
    void add(const HwRow& h) {
      ++maps;
      hangs += h.cycles.rtl_hang ? 1 : 0;
      values += h.values;
      zero_values += h.zero_values;
      encoder_ncycles += h.cycles.encoder_ncycles;
      decoder_ncycles += h.cycles.decoder_ncycles;
    }
    std::string cells() const {
      const auto ratio = [](std::uint64_t a, std::uint64_t b) {
        return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
      };
      return fmt::format(" {} | {:.1f}% | {:.4f} | {:.4f} | {} of {} |", values, 100.0 * ratio(zero_values, values),
                         ratio(values, encoder_ncycles), ratio(values, decoder_ncycles), hangs, maps);
    }
  };
  using HwKey = std::tuple<std::size_t, int, std::size_t>;  // dataset, kind, format
  std::map<HwKey, Sum> totals;
  std::map<std::tuple<std::size_t, int, std::size_t, std::size_t>, Sum> layers;  // + layer
  for (const HwRow& h : hw_rows) {
    totals[{h.dataset, static_cast<int>(h.kind), h.format}].add(h);
    layers[{h.dataset, static_cast<int>(h.kind), h.format, h.layer}].add(h);
  }
  std::string s =
      "## Hardware throughput (cycle model of the authors' RTL)\n\n"
      "Words per cycle of the modelled EBPC encoder (input words / cycles) and decoder (output words / cycles), "
      "W = 8 (fixed8) and 16 (fixed16, float16, bfloat16), B = 8, outputs always ready, each map one transmission "
      "(src/hw, docs/hardware.md). 1.0 is the paper's one word per cycle. RTL hangs: maps on which the published "
      "encoder never emits its last BPC word (docs/hardware.md, \"A hang in the RTL\"); their cycles are those of the "
      "design with the one-line fix.\n\n"
      "| network | kind | format | words | zeros | encoder w/c | decoder w/c | RTL hangs |\n"
      "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& [key, sum] : totals) {
    const auto& [d, kind, f] = key;
    s += fmt::format("| {} | {} | {} |", in.datasets[d].network, kind_name(static_cast<MapKind>(kind)),
                     format_info(in.config->formats[f]).name) +
         sum.cells() + "\n";
  }
  if (!per_layer) {
    return s + "\n";
  }
  s += "\n### Per layer\n\n| network | kind | format | layer | words | zeros | encoder w/c | decoder w/c | RTL hangs |\n"
       "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& [key, sum] : layers) {
    const auto& [d, kind, f, layer] = key;
    s += fmt::format("| {} | {} | {} | {} |", in.datasets[d].network, kind_name(static_cast<MapKind>(kind)),
                     format_info(in.config->formats[f]).name, in.datasets[d].layers[layer].name) +
         sum.cells() + "\n";
  }
  return s + "\n";
}

tl::expected<std::vector<std::string>, std::string> write_plots(const ReportInput& in, const std::string& plots_dir) {
  const Tables t(in);
  std::error_code ec;
  std::filesystem::create_directories(plots_dir, ec);
  if (ec) {
    return tl::unexpected(plots_dir + ": cannot create the directory");
  }
  std::vector<std::string> pngs;
  std::map<std::string, std::string> files;  // data file name -> contents
  std::string gp = fmt::format("cd '{}'\nset datafile separator '\\t'\nset termoption noenhanced\n",
                               escape_gnuplot(plots_dir));
  // Each plot is drawn twice: PNG, then the same plot as SVG.
  auto emit = [&](const std::string& stem, const std::string& size, const std::string& body) {
    gp += fmt::format("reset\nset datafile separator '\\t'\n"
                      "set terminal pngcairo size {} font 'DejaVu Sans,10' noenhanced\nset output '{}.png'\n{}"
                      "set terminal svg size {} dynamic font 'DejaVu Sans,10' noenhanced\nset output '{}.svg'\nreplot\n"
                      "unset output\n",
                      size, stem, body, size, stem);
    pngs.push_back(plots_dir + "/" + stem + ".png");
  };
  for (std::size_t d = 0; d < in.datasets.size(); ++d) {
    const Dataset& ds = in.datasets[d];
    const std::string net = file_part(ds.network);
    for (const MapKind kind : t.kinds(d)) {
      const std::string kn(kind_name(kind));
      // Per-layer grouped bars, codecs side by side (the paper's per-layer figures).
      for (std::size_t f = 0; f < t.nformats(); ++f) {
        const std::string stem = fmt::format("layers_{}_{}_{}", net, kn, t.format_name(f));
        std::string data = "layer";
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          data += "\t" + t.codec_name(c);
        }
        data += "\n";
        for (std::size_t l = 0; l < ds.layers.size(); ++l) {
          if (t.get(d, kind, f, 0, k_all, l) == nullptr) {
            continue;
          }
          data += ds.layers[l].name;
          for (std::size_t c = 0; c < t.ncodecs(); ++c) {
            data += fmt::format("\t{:.4f}", t.get(d, kind, f, c, k_all, l)->ratio());
          }
          data += "\n";
        }
        files[stem + ".tsv"] = data;
        std::string body = fmt::format(
            "set title '{} {}s, {}: compression ratio per layer (summed over {})'\n"
            "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.9 border -1\n"
            "set boxwidth 0.9\nset ylabel 'compression ratio'\nset yrange [0:*]\nset grid ytics\n"
            "set xtics rotate by -55 left font ',8' nomirror\nset key outside top center horizontal reverse Left\nset bmargin 11\n"
            "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'\nplot ",
            ds.network, kn, t.format_name(f), images_text(t.nimages(d, kind)));
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          body += fmt::format("{}'{}.tsv' using {}{} title '{}' lc rgb '{}'", c == 0 ? "" : ", ", stem, c + 2,
                              c == 0 ? ":xtic(1)" : "", t.codec_name(c), codec_colour(t.codec_name(c)));
        }
        emit(stem, "1500,650", body + "\n");
      }
      // Per-image totals as box plots: x = format, one box per codec.
      {
        const std::string stem = fmt::format("images_{}_{}", net, kn);
        std::string data;
        const double width = 0.8 / static_cast<double>(t.ncodecs());
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          data += fmt::format("# {}\n", t.codec_name(c));
          for (std::size_t f = 0; f < t.nformats(); ++f) {
            const std::vector<double> v = t.image_ratios(d, kind, f, c);
            const double x = static_cast<double>(f) - 0.4 + width * (static_cast<double>(c) + 0.5);
            data += fmt::format("{:.4f}\t{:.4f}\t{:.4f}\t{:.4f}\t{:.4f}\t{:.4f}\n", x, v.front(), quantile(v, 0.25),
                                quantile(v, 0.5), quantile(v, 0.75), v.back());
          }
          data += "\n\n";
        }
        files[stem + ".tsv"] = data;
        std::string xtics;
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          xtics += fmt::format("{}'{}' {}", f == 0 ? "" : ", ", t.format_name(f), f);
        }
        std::string body = fmt::format(
            "set title '{} {}s: total ratio per image ({}; box = quartiles, whiskers = min/max, bar = median)'\n"
            "set ylabel 'compression ratio (per image, all layers)'\nset grid ytics\nset offsets 0, 0, 0.3, 0.1\n"
            "set xrange [-0.6:{}]\nset xtics ({})\nset key top left horizontal reverse Left\nset boxwidth {:.4f} absolute\n"
            "set style fill solid 0.35 border\nplot ",
            ds.network, kn, images_text(t.nimages(d, kind)), static_cast<double>(t.nformats()) - 0.4, xtics, width * 0.85);
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          body += fmt::format("{}'{}.tsv' index {} using 1:3:2:6:5 with candlesticks whiskerbars lc rgb '{}' title '{}', "
                              "'' index {} using 1:4:4:4:4 with candlesticks lc rgb '{}' lw 3 notitle",
                              c == 0 ? "" : ", ", stem, c, codec_colour(t.codec_name(c)), t.codec_name(c), c,
                              codec_colour(t.codec_name(c)));
        }
        emit(stem, "1200,600", body + "\n");
      }
      // Sparsity per layer, one line per format.
      {
        const std::string stem = fmt::format("sparsity_{}_{}", net, kn);
        std::string data = "layer";
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          data += "\t" + t.format_name(f);
        }
        data += "\n";
        for (std::size_t l = 0; l < ds.layers.size(); ++l) {
          if (t.get(d, kind, 0, 0, k_all, l) == nullptr) {
            continue;
          }
          data += ds.layers[l].name;
          for (std::size_t f = 0; f < t.nformats(); ++f) {
            data += fmt::format("\t{:.5f}", 100.0 * t.get(d, kind, f, 0, k_all, l)->sparsity());
          }
          data += "\n";
        }
        files[stem + ".tsv"] = data;
        const std::string body = fmt::format(
            "set title '{} {}s: zero words per layer (all images)'\nset ylabel 'zero values (%)'\nset yrange [0:100]\n"
            "set grid ytics\nset xtics rotate by -55 left font ',8' nomirror\nset bmargin 11\nset key outside right top vertical reverse Left\n"
            "set xrange [-0.5:{}]\nset key autotitle columnhead\n"
            "plot for [i=2:{}] '{}.tsv' using 0:i:xtic(1) with linespoints pt 7 ps 0.6 lw 1.5\n",
            ds.network, kn, static_cast<double>(ds.layers.size()) - 0.5, t.nformats() + 1, stem);
        emit(stem, "1500,600", body);
      }
    }
  }
  for (const auto& [name, contents] : files) {
    std::ofstream out(plots_dir + "/" + name, std::ios::binary);
    out << contents;
    if (!out) {
      return tl::unexpected(plots_dir + "/" + name + ": cannot write");
    }
  }
  const std::string script = plots_dir + "/plots.gp";
  {
    std::ofstream out(script, std::ios::binary);
    out << gp;
    if (!out) {
      return tl::unexpected(script + ": cannot write");
    }
  }
  pid_t pid = 0;
  std::string arg0 = "gnuplot";
  std::string arg1 = script;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  if (posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv, environ) != 0) {
    return tl::unexpected("gnuplot not found (apt-get install gnuplot-nox): plots not drawn, script in " + script);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return tl::unexpected("gnuplot failed on " + script);
  }
  return pngs;
}

}  // namespace ebpc::eval
