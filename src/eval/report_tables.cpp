// The study's tables: results.csv and the Markdown summaries (summary.md, the quirk and
// hardware studies), from the aggregation in report_aggregate.hpp.
#include <ebpc/eval_report.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "eval/paper_figures.hpp"
#include "eval/report_aggregate.hpp"
#include "eval/report_escape.hpp"

namespace ebpc::eval {

using namespace detail;

std::string results_csv(const ReportInput& in) {
  std::string s = "network,kind,image,layer_index,layer,format,codec,values,zero_values,uncompressed_bits,compressed_bits\n";
  for (const ResultRow& r : in.rows) {
    const Dataset& d = in.datasets[r.dataset];
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(d.network), kind_name(r.kind),
                     csv_field(d.images[r.image]), d.layers[r.layer].index, csv_field(d.layers[r.layer].name), format_info(in.config->formats[r.format]).name,
                     codec_spec(in.config->codecs[r.codec]), r.values, r.zero_values, r.uncompressed_nbits,
                     r.compressed_nbits);
  }
  return s;
}

namespace {

// The multi-network study: one table per format, one row per network (activations).
std::string networks_markdown(const ReportInput& in, const Tables& t, std::size_t ebpc) {
  const EvalConfig& config = *in.config;
  std::string s = fmt::format(
      "## Networks next to the paper (EBPC, activations)\n\n"
      "One table per number format, one row per network: EBPC's total ratio on the network's activations, next "
      "to the closest network of the paper and the paper's figure for it ({}: AlexNet 5.1, VGG-16 4.0, "
      "ResNet-34 2.4, MobileNetV2 2.2; the paper shows its other formats only in plots, not transcribed here: "
      "-), the best of EBPC's hardware baselines (zero-RLE, ZVC, BPC) and EBPC's gain over it (the paper: {} "
      "over existing methods). Gradients: the next tables.\n\n",
      k_paper_source, k_paper_gain);
  for (std::size_t f = 0; f < t.nformats(); ++f) {
    s += fmt::format("### {}\n\n| network | closest in the paper | the paper | EBPC | best of zrle/zvc/bpc | gain |\n"
                     "| --- | --- | ---: | ---: | ---: | ---: |\n",
                     t.format_name(f));
    const bool fixed8 = config.formats[f] == NumberFormat::fixed8;
    for (std::size_t d = 0; d < in.datasets.size(); ++d) {
      if (!t.has_kind(d, MapKind::activation)) {
        continue;
      }
      const PaperMatch m = closest_paper_network(in.datasets[d].network);
      const std::string closest =
          m.paper == nullptr ? "none (" + m.note + ")" : std::string(m.paper->name) + (m.note.empty() ? "" : " (" + m.note + ")");
      const std::string paper = m.paper != nullptr && fixed8 ? fmt::format("{:.1f}", m.paper->fixed8_ratio) : "-";
      s += fmt::format("| {} | {} | {} | {:.3f} ", md_text(in.datasets[d].network), closest, paper,
                       t.get(d, MapKind::activation, f, ebpc)->ratio());
      s += gain_cell(t, d, MapKind::activation, f, ebpc,
                     best_codec(t, config, d, MapKind::activation, f, is_paper_baseline)) +
           "|\n";
    }
    s += "\n";
  }
  return s;
}

}  // namespace

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
        names += (names.empty() ? "" : ", ") + md_text(im);
      }
      // A code span shows the directory as it is, unless a backquote would end it.
      const std::string dir = d.dir.find('`') == std::string::npos ? "`" + d.dir + "`" : md_text(d.dir);
      s += fmt::format("- {}: {} ({} images: {}; {} layers; {} maps)\n", dir, md_text(d.network), d.images.size(), names,
                       d.layers.size(), d.files.size());
    }
    s += "\n";
  }
  s += "## Total compression ratio\n\n";
  for (std::size_t d = 0; d < in.datasets.size(); ++d) {
    for (const MapKind kind : t.kinds(d)) {
      s += fmt::format("### {}, {}s\n\n| format | W | sparsity |", md_text(in.datasets[d].network), kind_name(kind));
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
    s += networks_markdown(in, t, ebpc);
    s += "## Gain of EBPC over the best baseline\n\n"
         "Gain = EBPC's total ratio / the other codec's total ratio - 1; the best codec is picked per row.\n\n"
         "| network | kind | format | EBPC | best of zrle/zvc/bpc | gain | best general-purpose | gain |\n"
         "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (std::size_t d = 0; d < in.datasets.size(); ++d) {
      for (const MapKind kind : t.kinds(d)) {
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          s += fmt::format("| {} | {} | {} | {:.3f} ", md_text(in.datasets[d].network), kind_name(kind), t.format_name(f),
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
           "Per network with both kinds: sparsity and total EBPC ratio of the activations and of the gradients.\n\n";
      for (std::size_t d = 0; d < in.datasets.size(); ++d) {
        if (!t.has_kind(d, MapKind::gradient) || !t.has_kind(d, MapKind::activation)) {
          continue;
        }
        s += fmt::format("### {}\n\n"
                         "| network | format | activation sparsity | activation ratio | gradient sparsity | gradient ratio |\n"
                         "| --- | --- | ---: | ---: | ---: | ---: |\n",
                         md_text(in.datasets[d].network));
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          const Sum* a = t.get(d, MapKind::activation, f, ebpc);
          const Sum* g = t.get(d, MapKind::gradient, f, ebpc);
          s += fmt::format("| {} | {} | {} | {:.3f} | {} | {:.3f} |\n", md_text(in.datasets[d].network), t.format_name(f),
                           pct(a->sparsity()), a->ratio(), pct(g->sparsity()), g->ratio());
        }
        s += "\n";
      }
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
          s += fmt::format("| {} | {} | {} | {} | {} | {:.3f} | {:.3f} | {:.3f} |\n", md_text(in.datasets[d].network),
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
        s += fmt::format("### {}, {}s, {}\n\n| # | layer | values | sparsity |", md_text(ds.network), kind_name(kind),
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
          s += fmt::format("| {} | {} | {} | {} |", ds.layers[l].index, md_text(ds.layers[l].name), per_image,
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
    s += fmt::format("| {} | {} | {} |", md_text(in.datasets[d].network), kind_name(static_cast<MapKind>(kind)),
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
    s += fmt::format("| {} | {} | {} |", md_text(in.datasets[d].network), kind_name(static_cast<MapKind>(kind)),
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
    s += fmt::format("| {} | {} | {} | {} |", md_text(in.datasets[d].network), kind_name(static_cast<MapKind>(kind)),
                     format_info(in.config->formats[f]).name, md_text(in.datasets[d].layers[layer].name)) +
         sum.cells() + "\n";
  }
  return s + "\n";
}

}  // namespace ebpc::eval
