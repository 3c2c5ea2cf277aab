// The study's untrusted text inputs: a dataset manifest (first byte even) or a shard file
// (first byte odd), then the rest of the input as the file's text. Whatever parses is
// turned into the study's outputs, which must hold every name as data:
// - plots.gp passes the independent lexical check of gnuplot_script_check.hpp (no input
//   text outside an escaped literal, no command but set/unset/reset/plot/replot);
// - results.csv parses back (RFC 4180) to the network, image and layer names;
// - names never carry a control character (one record per line everywhere).
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <ebpc/eval_report.hpp>
#include <ebpc/eval_shard.hpp>

#include "gnuplot_script_check.hpp"

namespace {

[[noreturn]] void fail() { __builtin_trap(); }

// One CSV record (no newline inside: names have no control characters) into fields.
bool parse_csv_line(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  std::size_t i = 0;
  for (;;) {
    std::string f;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) {
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f += line[i++];
      }
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') {
          return false;
        }
        f += line[i++];
      }
    }
    fields.push_back(f);
    if (i == line.size()) {
      return true;
    }
    if (line[i] != ',') {
      return false;
    }
    ++i;
  }
}

void check_outputs(std::span<const ebpc::eval::Dataset> datasets, const ebpc::eval::EvalConfig& config,
                   std::span<const ebpc::eval::ResultRow> rows) {
  for (const auto& d : datasets) {
    std::vector<std::string> names{d.network};
    names.insert(names.end(), d.images.begin(), d.images.end());
    for (const auto& l : d.layers) {
      names.push_back(l.name);
    }
    for (const std::string& n : names) {
      if (ebpc::eval::name_problem(n)) {
        fail();
      }
    }
  }
  ebpc::eval::ReportInput in{datasets, &config, rows};
  const ebpc::eval::PlotFiles p = ebpc::eval::plot_files(in);
  if (!ebpc_fuzz::gnuplot_script_problem(p.script).empty()) {
    fail();
  }
  const std::string csv = ebpc::eval::results_csv(in);
  std::size_t pos = csv.find('\n') + 1;
  std::vector<std::string> fields;
  for (const auto& r : rows) {
    const std::size_t end = csv.find('\n', pos);
    if (end == std::string::npos || !parse_csv_line(csv.substr(pos, end - pos), fields) || fields.size() != 11) {
      fail();
    }
    const auto& d = datasets[r.dataset];
    if (fields[0] != d.network || fields[2] != d.images[r.image] || fields[4] != d.layers[r.layer].name) {
      fail();
    }
    pos = end + 1;
  }
  (void)ebpc::eval::summary_markdown(in, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 1) == 0) {
    auto d = ebpc::eval::parse_dataset("ds", text);
    if (!d) {
      return 0;
    }
    // One row per map (fixed8, EBPC), as a run would give.
    ebpc::eval::EvalConfig config;
    config.formats = {ebpc::eval::NumberFormat::fixed8};
    ebpc::CodecParams ebpc_params;
    ebpc_params.id = ebpc::CodecId::ebpc;
    config.codecs = {ebpc_params};
    std::vector<ebpc::eval::ResultRow> rows;
    for (const auto& f : d->files) {
      ebpc::eval::ResultRow r;
      r.kind = f.kind;
      r.image = f.image;
      r.layer = f.layer;
      r.values = 1;
      for (const std::uint64_t x : f.shape) {
        r.values *= x;
      }
      r.uncompressed_nbits = 8 * r.values;
      r.compressed_nbits = 4 * r.values + 1;
      rows.push_back(r);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(a.kind, a.image, a.layer) < std::tie(b.kind, b.image, b.layer);
    });
    std::vector<ebpc::eval::Dataset> ds{std::move(*d)};
    check_outputs(ds, config, rows);
  } else {
    auto s = ebpc::eval::parse_shard_text("shard.json", text);
    if (!s) {
      return 0;
    }
    check_outputs(s->datasets, s->config, s->rows);
  }
  return 0;
}
