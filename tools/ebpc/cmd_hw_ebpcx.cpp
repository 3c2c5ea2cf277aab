// ebpc hw ebpcx: the EBPC-X model (src/hw/ebpcx_*.cpp, docs/ebpcx.md "Cycle model
// (src/hw)") on .npy feature maps: coded size and ratio, context-coded bins per word,
// cycles per word per lane for each k (bins per cycle) and the state / SRAM bits of one
// lane, per map and in total; --markdown prints the table of docs/ebpcx.md.
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include <ebpc/hw_ebpcx.hpp>

namespace ebpc::cli {

namespace {

struct EbpcxOptions {
  std::vector<std::string> inputs;
  std::string format;  // empty: from the dtype
  std::optional<unsigned> width;
  std::string bins_per_cycle_list = "1,2,3,4";
  unsigned lanes = 1;
  unsigned range_port_nbytes = 4;
  std::uint64_t packed_fifo_nwords = 16;
  bool json = false;
  bool markdown = false;
  std::string streams_dir;
};

hw::EbpcxParams params_for(const EbpcxOptions& o, const NpyArray& a, const std::string& path) {
  const DTypeInfo* info = dtype_info(a.header.dtype);
  hw::EbpcxParams p;
  std::string f = o.format;
  if (f.empty()) {
    if (a.header.dtype == DType::float16) {
      f = "float16";
    } else if (a.header.dtype == DType::bfloat16) {
      f = "bfloat16";
    } else if (info->is_signed_int) {
      f = "fixed";
    } else {
      fail(fmt::format("{}: {} data: give --format fixed, float16 or bfloat16", path, info->name));
    }
  }
  if (f == "fixed") {
    p.format = hw::EbpcxFormat::fixed;
    p.word_nbits = o.width.value_or(info->nbytes * 8);
  } else {
    p.format = f == "float16" ? hw::EbpcxFormat::float16 : hw::EbpcxFormat::bfloat16;
    p.word_nbits = o.width.value_or(16);
    if (info->nbytes != 2) {
      fail(fmt::format("{}: --format {} needs 16-bit data, not {}", path, f, info->name));
    }
  }
  if (!hw::validate(p)) {
    fail(fmt::format("{}: EBPC-X codes fixed words of 2..16 bits and float16 / bfloat16 (got {} with --width {})",
                     path, f, p.word_nbits));
  }
  return p;
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    fail(path + ": cannot write file");
  }
}

// DIR/<stem>[.laneI].range and .raw: the range coder's bytes and the raw stream (MSB-first,
// zero-padded); the header fields and raw bit counts are in the JSON / text report.
void write_streams(const std::string& dir, const std::string& input, const hw::EbpcxReport& r) {
  std::string stem = std::filesystem::path(input).filename().string();
  for (const char* ext : {".zst", ".npy"}) {
    if (ends_with(stem, ext)) {
      stem.resize(stem.size() - std::string(ext).size());
    }
  }
  for (std::size_t l = 0; l < r.lane_reports.size(); ++l) {
    const std::string base = dir + "/" + stem + (r.lanes > 1 ? fmt::format(".lane{}", l) : std::string());
    write_bytes(base + ".range", r.lane_reports[l].streams.range_bytes);
    write_bytes(base + ".raw", r.lane_reports[l].streams.raw_bytes);
  }
}

std::string storage_name(hw::EbpcxStorage s) { return s == hw::EbpcxStorage::sram ? "SRAM" : "flip-flops"; }

void print_text(const std::string& name, const hw::EbpcxReport& r) {
  const double zero_pct = 100.0 * (1.0 - static_cast<double>(r.nonzero_nwords) / static_cast<double>(r.nwords));
  fmt::print("{}: {} x {} x {} = {} words ({}), {:.1f}% zero, {} lane{}\n", name, r.shape.channels, r.shape.height,
             r.shape.width, r.nwords, hw::ebpcx_format_name(r.params), zero_pct, r.lanes, r.lanes == 1 ? "" : "s");
  std::uint64_t range_nbytes = 0;
  for (const auto& l : r.lane_reports) {
    range_nbytes += l.streams.range_bytes.size();
  }
  fmt::print("  coded: {} bits = {} bytes (range coder {} bytes, raw {} bits, headers and lane table {} bits), "
             "ratio {:.3f}\n",
             r.coded_nbits, (r.coded_nbits + 7) / 8, range_nbytes, r.raw_nbits,
             r.coded_nbits - 8 * range_nbytes - r.raw_nbits, r.ratio());
  fmt::print("  bins/word {:.3f} (context-coded; max {}), raw bits/word {:.3f} (max {}); base {}, signed {}\n",
             r.bins_per_word(), r.max_bins_per_word, static_cast<double>(r.raw_nbits) / static_cast<double>(r.nwords),
             r.max_raw_nbits_per_word, r.lane_reports.front().streams.base_class,
             r.lane_reports.front().streams.is_signed ? "yes" : "no");
  fmt::print("  range coder: at most {} byte per bin, longest pending 0xFF run {} bytes\n", r.max_shifts_per_bin,
             r.max_pending_nbytes);
  for (const auto& c : r.cycles) {
    fmt::print("  k={}: cycles/word/lane coder {:.4f}, encoder {:.4f}, decoder {:.4f}; 1 word/cycle {}; encoder "
               "FIFO max {} bytes, decoder input stalls {}; bin-packed {:.4f} ({} source waits)\n",
               c.bins_per_cycle, c.coder_cycles_per_word(), c.encoder_cycles_per_word(), c.decoder_cycles_per_word(),
               c.one_word_per_cycle ? "met" : "missed", c.max_range_backlog_nbytes, c.decoder_input_stall_ncycles,
               c.packed_cycles_per_word(), c.packed_input_stall_ncycles);
  }
  fmt::print("  one word per cycle per lane needs k >= {} (word-aligned), k >= {} (bin-packed, {}-word FIFO)\n",
             r.min_k_word_aligned(), r.min_k_packed, r.packed_fifo_nwords);
  fmt::print("  state per lane: encoder {} flip-flop bits + {} SRAM bits, decoder {} + {} (encoder pre-pass for "
             "base: {} cycles)\n",
             r.encoder_state.flip_flop_nbits(), r.encoder_state.sram_nbits(), r.decoder_state.flip_flop_nbits(),
             r.decoder_state.sram_nbits(), r.prepass_ncycles);
}

void print_state(const char* what, const hw::EbpcxStateBits& s) {
  fmt::print("{} state per lane ({} flip-flop bits, {} SRAM bits):\n", what, s.flip_flop_nbits(), s.sram_nbits());
  for (const auto& it : s.items) {
    fmt::print("  {:<58} {:>7} {:<10} {}\n", it.name, it.nbits, storage_name(it.storage), it.note);
  }
}

struct Totals {
  std::uint64_t nwords = 0;
  std::uint64_t coded_nbits = 0;
  std::uint64_t orig_nbits = 0;
  std::uint64_t bins = 0;
  std::vector<std::uint64_t> coder;   // per k: sum over maps of the map's coder cycles x lanes
  std::vector<std::uint64_t> enc;
  std::vector<std::uint64_t> dec;
  std::vector<std::uint64_t> packed;
  std::vector<unsigned> met;          // maps at 1 word/cycle, per k
};

double ratio_of(std::uint64_t a, std::uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

void run_ebpcx(const EbpcxOptions& o) {
  if (o.inputs.empty()) {
    fail("hw ebpcx: give .npy files");
  }
  hw::EbpcxCycleConfig cfg;
  cfg.lanes = o.lanes;
  cfg.bins_per_cycle.clear();
  std::size_t at = 0;
  while (at <= o.bins_per_cycle_list.size()) {
    const std::size_t comma = std::min(o.bins_per_cycle_list.find(',', at), o.bins_per_cycle_list.size());
    const std::string item = o.bins_per_cycle_list.substr(at, comma - at);
    if (item.empty() || item.size() > 2 || item.find_first_not_of("0123456789") != std::string::npos) {
      fail("hw ebpcx: --bins-per-cycle takes a comma-separated list of 1..10, not '" + o.bins_per_cycle_list + "'");
    }
    cfg.bins_per_cycle.push_back(static_cast<unsigned>(std::stoul(item)));
    at = comma + 1;
  }
  cfg.range_port_nbytes = o.range_port_nbytes;
  cfg.packed_fifo_nwords = o.packed_fifo_nwords;
  if (!hw::validate(cfg)) {
    fail("hw ebpcx: --lanes takes 1..32, --bins-per-cycle values 1..10, --range-port-bytes 1..8, "
         "--packed-fifo-words at least 1");
  }
  if (!o.streams_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.streams_dir, ec);
    if (ec) {
      fail(o.streams_dir + ": cannot create directory");
    }
  }
  Totals t;
  const std::size_t nk = cfg.bins_per_cycle.size();
  t.coder.assign(nk, 0);
  t.enc.assign(nk, 0);
  t.dec.assign(nk, 0);
  t.packed.assign(nk, 0);
  t.met.assign(nk, 0);
  std::string worst_name;
  double worst_ratio = 0.0;
  hw::EbpcxReport worst;
  nlohmann::json json_files = nlohmann::json::array();
  hw::EbpcxReport last;
  if (o.markdown) {
    std::string head = "| map | C x H x W | words | zero % | coded bytes | ratio | bins/word | max bins |";
    std::string sep = "|---|---|---|---|---|---|---|---|";
    for (const unsigned k : cfg.bins_per_cycle) {
      head += fmt::format(" cyc/word k={} |", k);
      sep += "---|";
    }
    head += " packed k=3 | k=4: 1 word/cycle | min k (aligned / packed) | enc FF bits | SRAM bits |";
    sep += "---|---|---|---|---|";
    fmt::print("{}\n{}\n", head, sep);
  }
  for (const std::string& path : o.inputs) {
    const NpyArray a = load_npy(path);
    const hw::EbpcxParams p = params_for(o, a, path);
    const auto words = words_of(a, p.word_nbits, path);
    const hw::EbpcxShape shape = hw::ebpcx_shape_of(a.header.shape);
    if (words.empty()) {
      fail(path + ": no words");
    }
    auto r = hw::ebpcx_model(words, shape, p, cfg);
    if (!r) {
      fail(path + ": " + r.error().message);
    }
    if (!o.streams_dir.empty()) {
      write_streams(o.streams_dir, path, *r);
    }
    t.nwords += r->nwords;
    t.coded_nbits += r->coded_nbits;
    t.orig_nbits += r->nwords * p.word_nbits;
    t.bins += r->context_bins;
    for (std::size_t i = 0; i < nk; ++i) {
      const auto& c = r->cycles[i];
      t.coder[i] += c.coder_ncycles * c.lanes;
      t.enc[i] += c.encoder_ncycles * c.lanes;
      t.dec[i] += c.decoder_ncycles * c.lanes;
      t.packed[i] += c.packed_coder_ncycles * c.lanes;
      t.met[i] += c.one_word_per_cycle ? 1 : 0;
    }
    const double k_worst = r->cycles.back().coder_cycles_per_word();
    if (worst_name.empty() || k_worst > worst_ratio) {
      worst_ratio = k_worst;
      worst_name = path;
      worst = *r;
    }
    if (o.json) {
      json_files.push_back({{"name", path}, {"report", nlohmann::json::parse(r->to_json())}});
    } else if (o.markdown) {
      std::string row = fmt::format("| {} | {}x{}x{} | {} | {:.1f} | {} | {:.3f} | {:.3f} | {} |",
                                    std::filesystem::path(path).filename().string(), shape.channels, shape.height,
                                    shape.width, r->nwords,
                                    100.0 * (1.0 - ratio_of(r->nonzero_nwords, r->nwords)), (r->coded_nbits + 7) / 8,
                                    r->ratio(), r->bins_per_word(), r->max_bins_per_word);
      for (const auto& c : r->cycles) {
        row += fmt::format(" {:.3f} |", c.coder_cycles_per_word());
      }
      const auto k4 = std::find_if(r->cycles.begin(), r->cycles.end(), [](const auto& c) { return c.bins_per_cycle == 4; });
      const auto k3 = std::find_if(r->cycles.begin(), r->cycles.end(), [](const auto& c) { return c.bins_per_cycle == 3; });
      row += fmt::format(" {} | {} | {} / {} | {} | {} |",
                         k3 == r->cycles.end() ? std::string("-") : fmt::format("{:.3f}", k3->packed_cycles_per_word()),
                         k4 == r->cycles.end() ? "-" : (k4->one_word_per_cycle ? "met" : "missed"),
                         r->min_k_word_aligned(), r->min_k_packed, r->encoder_state.flip_flop_nbits(),
                         r->encoder_state.sram_nbits());
      fmt::print("{}\n", row);
    } else {
      print_text(path, *r);
    }
    last = std::move(*r);
  }
  if (o.json) {
    nlohmann::json total = {{"files", o.inputs.size()},
                            {"words", t.nwords},
                            {"coded_bits", t.coded_nbits},
                            {"ratio", ratio_of(t.orig_nbits, t.coded_nbits)},
                            {"bins_per_word", ratio_of(t.bins, t.nwords)},
                            {"worst_map", worst_name}};
    total["cycles"] = nlohmann::json::array();
    for (std::size_t i = 0; i < nk; ++i) {
      total["cycles"].push_back({{"bins_per_cycle", cfg.bins_per_cycle[i]},
                                 {"coder_cycles_per_word", ratio_of(t.coder[i], t.nwords)},
                                 {"encoder_cycles_per_word", ratio_of(t.enc[i], t.nwords)},
                                 {"decoder_cycles_per_word", ratio_of(t.dec[i], t.nwords)},
                                 {"packed_cycles_per_word", ratio_of(t.packed[i], t.nwords)},
                                 {"maps_one_word_per_cycle", t.met[i]}});
    }
    const nlohmann::json j = {{"lanes_parameter", o.lanes},
                              {"range_port_bytes", o.range_port_nbytes},
                              {"files", json_files},
                              {"total", total}};
    fmt::print("{}\n", j.dump(2));
    return;
  }
  if (o.markdown) {
    std::string row = fmt::format("| **total** ({} maps) | | {} | | {} | {:.3f} | {:.3f} | |", o.inputs.size(),
                                  t.nwords, (t.coded_nbits + 7) / 8, ratio_of(t.orig_nbits, t.coded_nbits),
                                  ratio_of(t.bins, t.nwords));
    for (std::size_t i = 0; i < nk; ++i) {
      row += fmt::format(" {:.3f} |", ratio_of(t.coder[i], t.nwords));
    }
    fmt::print("{}\n\n", row);
    for (std::size_t i = 0; i < nk; ++i) {
      fmt::print("k={}: coder {:.4f}, encoder {:.4f}, decoder {:.4f}, bin-packed {:.4f} cycles/word/lane over all "
                 "maps; one word per cycle met on {} of {} maps\n",
                 cfg.bins_per_cycle[i], ratio_of(t.coder[i], t.nwords), ratio_of(t.enc[i], t.nwords),
                 ratio_of(t.dec[i], t.nwords), ratio_of(t.packed[i], t.nwords), t.met[i], o.inputs.size());
    }
    fmt::print("worst map at k={}: {} ({:.4f} coder cycles/word/lane)\n\n", cfg.bins_per_cycle.back(), worst_name,
               worst_ratio);
    print_state("encoder", worst.encoder_state);
    print_state("decoder", worst.decoder_state);
    return;
  }
  if (o.inputs.size() > 1) {
    fmt::print("total: {} maps, {} words, {} coded bits, ratio {:.3f}, bins/word {:.3f}\n", o.inputs.size(), t.nwords,
               t.coded_nbits, ratio_of(t.orig_nbits, t.coded_nbits), ratio_of(t.bins, t.nwords));
    for (std::size_t i = 0; i < nk; ++i) {
      fmt::print("  k={}: cycles/word/lane coder {:.4f}, encoder {:.4f}, decoder {:.4f} (bin-packed {:.4f}); one "
                 "word per cycle on {} of {} maps\n",
                 cfg.bins_per_cycle[i], ratio_of(t.coder[i], t.nwords), ratio_of(t.enc[i], t.nwords),
                 ratio_of(t.dec[i], t.nwords), ratio_of(t.packed[i], t.nwords), t.met[i], o.inputs.size());
    }
    fmt::print("  worst map at k={}: {} ({:.4f} coder cycles/word/lane)\n", cfg.bins_per_cycle.back(), worst_name,
               worst_ratio);
  }
  print_state("encoder", (o.inputs.size() > 1 ? worst : last).encoder_state);
  print_state("decoder", (o.inputs.size() > 1 ? worst : last).decoder_state);
}

}  // namespace

void register_hw_ebpcx(CLI::App& hw) {
  auto opts = std::make_shared<EbpcxOptions>();
  auto* x = hw.add_subcommand("ebpcx",
                              "The EBPC-X model (docs/ebpcx.md): coded size, bins per word, cycles per word per lane "
                              "for k bins per cycle, state and SRAM bits");
  x->add_option("inputs", opts->inputs, "input .npy feature maps (C,H,W; each map one chunk per lane)")->required();
  x->add_option("--format", opts->format, "fixed, float16 or bfloat16 (default: from the dtype)")
      ->check(CLI::IsMember({"fixed", "float16", "bfloat16"}));
  x->add_option("-w,--width", opts->width, "word width W of fixed words, 2..16 (default: the dtype's size)");
  x->add_option("-k,--bins-per-cycle", opts->bins_per_cycle_list,
                "bins per cycle k to model, a comma-separated list of 1..10 (default 1,2,3,4)");
  x->add_option("--lanes", opts->lanes, "lane parameter L, 1..32 (docs/format.md \"Lanes\"; default 1)");
  x->add_option("--range-port-bytes", opts->range_port_nbytes, "range stream port in bytes per cycle (default 4)");
  x->add_option("--packed-fifo-words", opts->packed_fifo_nwords,
                "input FIFO of the bin-packed variant, in words (default 16)");
  x->add_flag("--json", opts->json, "print JSON instead of text");
  x->add_flag("--markdown", opts->markdown, "print one markdown table row per map (docs/ebpcx.md)");
  x->add_option("--streams", opts->streams_dir,
                "write each map's streams to DIR/<stem>.range and .raw (with lanes: <stem>.laneI.*)");
  x->callback([opts] { run_ebpcx(*opts); });
}

}  // namespace ebpc::cli
