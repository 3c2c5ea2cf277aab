// ebpc measure: exact compressed sizes of every codec on .npy arrays (whole array, one
// stream per codec, as the paper measures), per file and in total.
#include <fmt/core.h>

#include <ebpc/codecs.hpp>
#include <ebpc/measure.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"

namespace ebpc::cli {

namespace {

struct MeasureOptions {
  std::vector<std::string> files;
  std::string codecs{ebpc::k_measure_default_codecs};
  unsigned width = 0;
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  bool json = false;
};

using Row = MeasureRow;

nlohmann::json row_json(const Row& r) {
  nlohmann::json j = {
      {"codec", r.codec},
      {"values", r.values},
      {"zero_fraction", r.zero_fraction()},
      {"uncompressed_bits", r.uncompressed_nbits},
      {"compressed_bits", r.compressed_nbits},
      {"compressed_bits_padded", r.padded_nbits},
      {"ratio", r.ratio()}};
  if (r.has_streams) {
    j["znz_bits"] = r.znz_nbits;
    j["bpc_bits"] = r.bpc_nbits;
  }
  return j;
}

void print_rows(const std::vector<Row>& rows) {
  fmt::print("  {:<9} {:>10} {:>7} {:>14} {:>14} {:>14} {:>8}\n", "codec", "values", "zeros", "uncompr. bits",
             "compr. bits", "padded bits", "ratio");
  for (const Row& r : rows) {
    fmt::print("  {:<9} {:>10} {:>6.1f}% {:>14} {:>14} {:>14} {:>8.3f}\n", r.codec, r.values,
               100.0 * r.zero_fraction(),
               r.uncompressed_nbits, r.compressed_nbits, r.padded_nbits, r.ratio());
    if (r.has_streams) {
      fmt::print("  {:<9} {:>10} {:>7} {:>14} {:>14}\n", "", "", "", fmt::format("znz {}", r.znz_nbits),
                 fmt::format("bpc {}", r.bpc_nbits));
    }
  }
}

void run_measure(const MeasureOptions& o) {
  std::vector<CodecParams> codecs;
  std::stringstream ss(o.codecs);
  std::string item;
  while (std::getline(ss, item, ',')) {
    CodecParams p;
    if (!parse_codec_spec(item, p)) {
      fail("--codecs: unknown codec '" + item + "' (" + std::string(k_codec_list) + ")");
    }
    p.block_nwords = o.block_nwords;
    p.max_zero_run_nwords = o.max_zero_run_nwords;
    codecs.push_back(p);
  }
  if (codecs.empty()) {
    fail("--codecs: no codec given");
  }

  nlohmann::json out = {{"schema", "ebpc-measure-1"}, {"files", nlohmann::json::array()}};
  std::vector<Row> totals(codecs.size());
  for (std::size_t c = 0; c < codecs.size(); ++c) {
    totals[c].codec = codec_spec(codecs[c]);
  }
  for (const std::string& path : o.files) {
    const NpyArray a = load_npy(path);
    const DTypeInfo* info = dtype_info(a.header.dtype);
    const unsigned w = o.width != 0 ? o.width : info->nbytes * 8;
    std::vector<CodecParams> file_codecs = codecs;
    for (CodecParams& p : file_codecs) {
      set_array_geometry(p, a.header.shape, a.header.fortran_order);  // ebpcx's contexts
    }
    auto m = measure(a.data, a.header.dtype, w, file_codecs);
    if (!m) {
      fail(path + ": " + m.error().message);
    }
    const std::vector<Row> rows = measure_rows(*m);
    for (std::size_t c = 0; c < rows.size(); ++c) {
      totals[c].add(rows[c]);
    }
    if (o.json) {
      nlohmann::json f = {{"file", path}, {"dtype", info->name}, {"word_bits", w}, {"codecs", nlohmann::json::array()}};
      for (const Row& r : rows) {
        f["codecs"].push_back(row_json(r));
      }
      out["files"].push_back(f);
    } else {
      fmt::print("{} ({}, W={})\n", path, info->name, w);
      print_rows(rows);
    }
  }
  if (o.json) {
    out["total"] = nlohmann::json::array();
    for (const Row& r : totals) {
      out["total"].push_back(row_json(r));
    }
    fmt::print("{}\n", out.dump(1));
  } else {
    fmt::print("TOTAL over {} file(s)\n", o.files.size());
    print_rows(totals);
  }
}

}  // namespace

void register_measure(CLI::App& app) {
  auto opts = std::make_shared<MeasureOptions>();
  auto* m = app.add_subcommand("measure", "Exact compressed sizes of each codec on .npy arrays");
  m->add_option("files", opts->files, ".npy (or .npy.zst) files")->required();
  m->add_option("--codecs", opts->codecs, "comma-separated codecs")->capture_default_str();
  m->add_option("--width", opts->width, "word width W (default: the dtype's width; e.g. 12 for int16 holding fixed12)");
  m->add_option("--block", opts->block_nwords, "EBPC/BPC block size B")->capture_default_str();
  m->add_option("--max-zero-run", opts->max_zero_run_nwords, "EBPC zero-run limit Z")->capture_default_str();
  m->add_flag("--json", opts->json, "JSON output (schema in README)");
  m->callback([opts] { run_measure(*opts); });
}

}  // namespace ebpc::cli
