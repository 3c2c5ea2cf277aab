// ebpc eval: the paper's study (total ratio per network x format x codec, gain over the
// baselines, per layer, per image, activations vs gradients) on dataset directories
// written by tools/extract. Library side: src/eval/.
#include <fmt/core.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <ebpc/codecs.hpp>

#include "commands.hpp"
#include <ebpc/eval.hpp>
#include <ebpc/eval_report.hpp>
#ifdef EBPC_HAVE_HW
#include <ebpc/hw.hpp>
#endif

namespace ebpc::cli {

namespace {

constexpr const char* k_default_formats = "fixed8,fixed12,fixed16,float16,bfloat16,float32";
constexpr const char* k_default_eval_codecs = "ebpc,zvc,zrle,bpc,zstd,lz4";

struct EvalOptions {
  std::vector<std::string> datasets;
  std::string formats = k_default_formats;
  std::string codecs = k_default_eval_codecs;
  std::string out_dir = "ebpc-eval";
  std::string dump_dir;
  unsigned threads = 0;
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  bool no_plots = false;
  bool quirks = false;
  bool hw = false;
  bool quiet = false;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> items;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    items.push_back(item);
  }
  return items;
}

// Written to a temporary file and renamed (a full disk leaves no partial summary).
void write_text(const std::string& path, const std::string& text) {
  AtomicFile out;
  if (!out.open(path, true) || !out.write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) ||
      !out.commit()) {
    fail(path + ": cannot write");
  }
}

void run_eval_command(const EvalOptions& o) {
  eval::EvalConfig config;
  for (const std::string& name : split_list(o.formats)) {
    const eval::FormatInfo* f = eval::find_format(name);
    if (f == nullptr) {
      fail("--formats: unknown format '" + name + "' (fixed8, fixed12, fixed16, float16, bfloat16, float32)");
    }
    if (std::find(config.formats.begin(), config.formats.end(), f->id) != config.formats.end()) {
      fail("--formats: '" + name + "' given twice");
    }
    config.formats.push_back(f->id);
  }
  if (config.formats.empty()) {
    fail("--formats: no format given");
  }
  for (const std::string& name : split_list(o.codecs)) {
    CodecParams p;
    if (!parse_codec_spec(name, p)) {
      fail("--codecs: unknown codec '" + name + "' (" + std::string(k_codec_list) + ")");
    }
    p.block_nwords = o.block_nwords;
    p.max_zero_run_nwords = o.max_zero_run_nwords;
    for (const CodecParams& q : config.codecs) {
      if (codec_spec(q) == codec_spec(p)) {
        fail("--codecs: '" + name + "' given twice");
      }
    }
    config.codecs.push_back(p);
  }
  if (config.codecs.empty()) {
    fail("--codecs: no codec given");
  }
  // Check every codec at every format's width before reading any data.
  for (const eval::NumberFormat f : config.formats) {
    const eval::FormatInfo& info = eval::format_info(f);
    for (CodecParams p : config.codecs) {
      p.word_nbits = info.word_nbits;
      p.elem_nbytes = dtype_info(info.storage)->nbytes;
      if (auto v = validate(p); !v) {
        fail(fmt::format("invalid parameters for {} at {} (width {}, block {}, max zero run {})", codec_spec(p),
                         info.name, info.word_nbits, p.block_nwords, p.max_zero_run_nwords),
             v.error());
      }
    }
  }
  std::vector<eval::Dataset> datasets;
  for (const std::string& dir : o.datasets) {
    auto d = eval::read_dataset(dir);
    if (!d) {
      fail(d.error().message);
    }
    for (const eval::Dataset& other : datasets) {
      if (other.network == d->network) {
        fail(dir + ": network '" + d->network + "' is also the network of " + other.dir +
             " (one dataset per network)");
      }
    }
    datasets.push_back(std::move(*d));
  }
  config.threads = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  config.dump_dir = o.dump_dir;
  config.quirks = o.quirks;
  if (o.hw) {
#ifdef EBPC_HAVE_HW
    config.hw_sim = [](std::span<const std::uint32_t> words,
                       unsigned word_nbits) -> Outcome<eval::HwCycles> {
      hw::HwConfig hc;
      hc.word_nbits = word_nbits;
      hc.block_nwords = 8;
      // Where the authors' RTL hangs on a map: count it, and time the fixed design.
      auto rt = hw::hw_round_trip(words, hc, true);
      if (!rt) {
        return tl::unexpected(rt.error());
      }
      return eval::HwCycles{rt->enc.ncycles, rt->dec.ncycles, rt->rtl_hang};
    };
#else
    fail("--hw: this build has no hardware model (configure with -DEBPC_WITH_HW=ON)");
#endif
  }
  const bool show_progress = !o.quiet && isatty(fileno(stderr)) != 0;
  if (show_progress) {
    config.progress = [](std::size_t done, std::size_t total, const std::string& what) {
      std::fprintf(stderr, "\r\033[Kebpc eval: %zu/%zu %s", done, total, what.c_str());
      std::fflush(stderr);
    };
  }
  std::vector<eval::QuirkRow> quirk_rows;
  std::vector<eval::HwRow> hw_rows;
  auto rows = eval::run_eval(datasets, config, &quirk_rows, &hw_rows);
  if (show_progress) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  if (!rows) {
    fail(rows.error().message);
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) {
    fail(o.out_dir + ": cannot create the output directory");
  }
  const eval::ReportInput report{datasets, &config, *rows};
  write_text(o.out_dir + "/results.csv", eval::results_csv(report));
  const std::string quirks = o.quirks ? eval::quirks_markdown(report, quirk_rows) : std::string();
  write_text(o.out_dir + "/summary.md", eval::summary_markdown(report, false) + quirks +
                                            (o.hw ? eval::hw_markdown(report, hw_rows, true) : std::string()));
  std::vector<std::string> pngs;
  if (!o.no_plots) {
    auto p = eval::write_plots(report, o.out_dir + "/plots");
    if (!p) {
      std::fprintf(stderr, "ebpc: warning: %s\n", p.error().message.c_str());
    } else {
      pngs = std::move(*p);
    }
  }
  if (!o.quiet) {
    fmt::print("{}{}{}", eval::summary_markdown(report, true), quirks,
               o.hw ? eval::hw_markdown(report, hw_rows, false) : std::string());
    fmt::print("Wrote {0}/results.csv ({1} rows), {0}/summary.md", o.out_dir, rows->size());
    if (!pngs.empty()) {
      fmt::print(", {} plots in {}/plots (PNG and SVG)", pngs.size(), o.out_dir);
    }
    fmt::print("\n");
  }
}

}  // namespace

void register_eval(CLI::App& app) {
  auto opts = std::make_shared<EvalOptions>();
  auto* e = app.add_subcommand("eval", "The paper's study on datasets of real feature maps (tools/extract)");
  e->add_option("datasets", opts->datasets, "dataset directories (each with manifest.json)")->required();
  e->add_option("--formats", opts->formats, "comma-separated number formats")->capture_default_str();
  e->add_option("--codecs", opts->codecs, "comma-separated codecs (" + std::string(k_codec_list) + ")")
      ->capture_default_str();
  e->add_option("--out", opts->out_dir, "output directory (results.csv, summary.md, plots/)")->capture_default_str();
  e->add_option("--threads", opts->threads, "worker threads (default: all cores)");
  e->add_option("--dump-quantised", opts->dump_dir,
                "also write every quantised map as .npy under DIR/NETWORK/KIND/FORMAT/IMAGE/NN_LAYER.npy");
  e->add_option("--block", opts->block_nwords, "EBPC/BPC block size B")->capture_default_str();
  e->add_option("--max-zero-run", opts->max_zero_run_nwords, "EBPC zero-run limit Z")->capture_default_str();
  e->add_flag("--no-plots", opts->no_plots, "skip the gnuplot plots");
  e->add_flag("--quirks", opts->quirks,
              "also size EBPC as the authors' evaluation scripts did (fixed8/fixed16; table in summary.md)");
  e->add_flag("--hw", opts->hw,
              "also run the cycle model of the authors' hardware (W = 8, 16) and report words/cycle per layer");
  e->add_flag("-q,--quiet", opts->quiet, "no summary on stdout, no progress");
  e->callback([opts] { run_eval_command(*opts); });
}

}  // namespace ebpc::cli
