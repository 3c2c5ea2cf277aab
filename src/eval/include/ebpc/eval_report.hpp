// Outputs of ebpc eval: results.csv (one row per network, kind, image, layer, format,
// codec), summary.md (the tables), and gnuplot plots (PNG and SVG).
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include <ebpc/eval.hpp>

namespace ebpc::eval {

struct ReportInput {
  std::span<const Dataset> datasets;
  const EvalConfig* config = nullptr;
  std::span<const ResultRow> rows;
};

// results.csv: header line, then one line per row in the rows' order; integers only, so
// that a fresh run can be diffed byte for byte against a committed file.
std::string results_csv(const ReportInput& in);

// summary.md. headline_only: just the totals, gains and activation-vs-gradient tables
// (what the CLI prints on stdout).
std::string summary_markdown(const ReportInput& in, bool headline_only);

// The quirk study (EvalConfig::quirks): total EBPC ratio per network, kind and format in
// the hardware format and under each of the authors' evaluation quirks.
std::string quirks_markdown(const ReportInput& in, std::span<const QuirkRow> quirk_rows);

// The hardware study (EvalConfig::hw_sim): words per cycle of the modelled encoder and
// decoder per network, kind and format, and per layer (summed over images).
// per_layer = false: the totals only (what the CLI prints on stdout).
std::string hw_markdown(const ReportInput& in, std::span<const HwRow> hw_rows, bool per_layer);

// The plots as text: one gnuplot script, its data files, and the stems of the plots it
// draws (STEM.png and STEM.svg). Names from the datasets enter the script only as escaped
// string literals (src/eval/report_escape.hpp) and the data files hold numbers only, so no
// input can run a command through gnuplot (fuzz/fuzz_eval_inputs.cpp checks the script).
struct PlotFiles {
  std::string script;
  std::vector<std::pair<std::string, std::string>> data;  // file name, contents
  std::vector<std::string> stems;
};
PlotFiles plot_files(const ReportInput& in);

// Writes the data files and one gnuplot script under plots_dir and runs gnuplot on it.
// Returns the PNG files written (each has an SVG twin), or a message (gnuplot missing or
// failing).
Outcome<std::vector<std::string>> write_plots(const ReportInput& in, const std::string& plots_dir);

}  // namespace ebpc::eval
