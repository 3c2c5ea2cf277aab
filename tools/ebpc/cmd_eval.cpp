// ebpc eval: the paper's study (total ratio per network x format x codec, gain over the
// baselines, per layer, per image, activations vs gradients) on dataset directories
// written by tools/extract. Library side: src/eval/.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ebpc/codecs.hpp>
#include <ebpc/eval.hpp>
#include <ebpc/eval_report.hpp>
#include <ebpc/eval_shard.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "commands.hpp"
#ifdef EBPC_HAVE_HW
#include <ebpc/hw.hpp>
#endif

namespace ebpc::cli {

namespace {

struct EvalOptions {
  std::vector<std::string> datasets;
  std::string formats{ebpc::eval::k_default_formats};
  std::string codecs{ebpc::eval::k_default_codecs};
  std::string out_dir = "ebpc-eval";
  std::string dump_dir;
  unsigned threads = 0;
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  bool no_plots = false;
  bool quirks = false;
  bool hw = false;
  bool quiet = false;
  bool allow_outside_paths = false;  // manifest paths may leave the dataset (absolute, "..", links)
  std::string shard;                 // "I/N": evaluate one shard, write OUT/shard-I-of-N.json only
};

struct MergeOptions {
  std::vector<std::string> inputs;  // shard files, or directories holding shard-*-of-*.json
  std::string out_dir = "ebpc-eval";
  bool no_plots = false;
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

void create_out_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fail(dir + ": cannot create the output directory");
  }
}

// results.csv, summary.md and the plots of a whole study (a single run or merged shards),
// and the headline tables on stdout.
void write_outputs(const std::string& out_dir, const std::vector<eval::Dataset>& datasets,
                   const eval::EvalConfig& config, bool hw, const std::vector<eval::ResultRow>& rows,
                   const std::vector<eval::QuirkRow>& quirk_rows, const std::vector<eval::HwRow>& hw_rows,
                   bool no_plots, bool quiet) {
  create_out_dir(out_dir);
  const eval::ReportInput report{datasets, &config, rows};
  write_text(out_dir + "/results.csv", eval::results_csv(report));
  const std::string quirks = config.quirks ? eval::quirks_markdown(report, quirk_rows) : std::string();
  write_text(out_dir + "/summary.md", eval::summary_markdown(report, false) + quirks +
                                          (hw ? eval::hw_markdown(report, hw_rows, true) : std::string()));
  std::vector<std::string> pngs;
  if (!no_plots) {
    auto p = eval::write_plots(report, out_dir + "/plots");
    if (!p) {
      std::fprintf(stderr, "ebpc: warning: %s\n", p.error().message.c_str());
    } else {
      pngs = std::move(*p);
    }
  }
  if (!quiet) {
    fmt::print("{}{}{}", eval::summary_markdown(report, true), quirks,
               hw ? eval::hw_markdown(report, hw_rows, false) : std::string());
    fmt::print("Wrote {0}/results.csv ({1} rows), {0}/summary.md", out_dir, rows.size());
    if (!pngs.empty()) {
      fmt::print(", {} plots in {}/plots (PNG and SVG)", pngs.size(), out_dir);
    }
    fmt::print("\n");
  }
}

void run_eval_command(const EvalOptions& o) {
  if (!o.shard.empty()) {
    auto s = eval::parse_shard_spec(o.shard);
    if (!s) {
      fail(s.error().message);
    }
  }
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
    eval::DatasetOptions dopts;
    dopts.allow_outside_paths = o.allow_outside_paths;
    auto d = eval::read_dataset(dir, dopts);
    if (!d) {
      fail(d.error().message);
    }
    for (const eval::Dataset& other : datasets) {
      if (other.network == d->network) {
        fail(dir + ": network '" + d->network + "' is also the network of " + other.dir + " (one dataset per network)");
      }
    }
    datasets.push_back(std::move(*d));
  }
  if (!o.shard.empty()) {
    const auto s = eval::parse_shard_spec(o.shard).value();
    config.shard_index = s.first;
    config.shard_count = s.second;
  }
  config.threads = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  config.dump_dir = o.dump_dir;
  config.quirks = o.quirks;
  if (o.hw) {
#ifdef EBPC_HAVE_HW
    config.hw_sim = [](std::span<const std::uint32_t> words, unsigned word_nbits) -> Outcome<eval::HwCycles> {
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
  if (!o.shard.empty()) {
    eval::ShardResults r;
    r.shard_index = config.shard_index;
    r.shard_count = config.shard_count;
    r.datasets = std::move(datasets);
    r.config = config;
    r.hw = o.hw;
    r.rows = std::move(*rows);
    r.quirk_rows = std::move(quirk_rows);
    r.hw_rows = std::move(hw_rows);
    const std::string text = eval::shard_json(r);
    create_out_dir(o.out_dir);
    const std::string path = o.out_dir + "/" + eval::shard_file_name(r.shard_index, r.shard_count);
    write_text(path, text);
    if (!o.quiet) {
      fmt::print("Wrote {} (shard {}/{}: {} of {} units, {} rows)\n", path, r.shard_index, r.shard_count,
                 eval::shard_units(r.datasets, r.shard_index, r.shard_count).size(),
                 eval::eval_units(r.datasets).size(), r.rows.size());
    }
    return;
  }
  write_outputs(o.out_dir, datasets, config, o.hw, *rows, quirk_rows, hw_rows, o.no_plots, o.quiet);
}

// Shard files named on the command line: files as given, directories' shard-*-of-*.json
// in name order.
std::vector<std::string> shard_paths(const std::vector<std::string>& inputs) {
  std::vector<std::string> paths;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(in, ec)) {
      paths.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(in, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("shard-", 0) == 0 && name.size() > 5 && name.substr(name.size() - 5) == ".json") {
        found.push_back(in + "/" + name);
      }
    }
    if (ec) {
      fail(in + ": cannot read the directory");
    }
    if (found.empty()) {
      fail(in + ": no shard files (shard-I-of-N.json) in the directory");
    }
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  return paths;
}

void run_merge_command(const MergeOptions& o) {
  auto m = eval::merge_shards(shard_paths(o.inputs));
  if (!m) {
    fail(m.error().message);
  }
  write_outputs(o.out_dir, m->datasets, m->config, m->hw, m->rows, m->quirk_rows, m->hw_rows, o.no_plots, o.quiet);
}

}  // namespace

void register_eval(CLI::App& app) {
  auto opts = std::make_shared<EvalOptions>();
  auto* e = app.add_subcommand("eval", "The paper's study on datasets of real feature maps (tools/extract)");
  e->add_option("datasets", opts->datasets, "dataset directories (each with manifest.json)");
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
  e->add_flag("--allow-outside-paths", opts->allow_outside_paths,
              "let manifest paths leave the dataset directory (absolute paths, '..', symbolic links out of it)");
  e->add_option("--shard", opts->shard,
                "evaluate shard I of N (0 <= I < N; units split round-robin) and write only OUT/shard-I-of-N.json, "
                "for `ebpc eval merge`");
  auto mopts = std::make_shared<MergeOptions>();
  auto* m = e->add_subcommand("merge", "Merge the shard files of `ebpc eval --shard I/N` into the outputs of one run");
  m->add_option("inputs", mopts->inputs, "shard files, or directories with shard-I-of-N.json files")->required();
  m->add_option("--out", mopts->out_dir, "output directory (results.csv, summary.md, plots/)")->capture_default_str();
  m->add_flag("--no-plots", mopts->no_plots, "skip the gnuplot plots");
  m->add_flag("-q,--quiet", mopts->quiet, "no summary on stdout");
  m->callback([mopts] { run_merge_command(*mopts); });
  e->callback([opts, m] {
    if (m->parsed()) {
      return;
    }
    if (opts->datasets.empty()) {
      fail("eval: a dataset directory is needed (see ebpc --help)");
    }
    run_eval_command(*opts);
  });
}

}  // namespace ebpc::cli
