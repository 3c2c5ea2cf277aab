// ebpc hw sim: runs the cycle-accurate model of the published EBPC encoder and decoder
// (src/hw/, docs/hardware.md) on .npy files and prints cycles, words/cycle, stall cycles by
// cause and latencies, per file and in total.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include <ebpc/codecs.hpp>
#include <ebpc/hw.hpp>
#include <ebpc/hw_synth.hpp>
#ifdef EBPC_HAVE_RTL
#include <ebpc/rtl_sim.hpp>
#endif

namespace ebpc::cli {

namespace {

struct SimOptions {
  std::optional<unsigned> width;
  unsigned block_nwords = 8;
  bool json = false;
  double out_ready = 1.0;
  std::uint64_t max_cycles = std::uint64_t{1} << 30;  // the simulation stops with an error past it
  double in_bubble = 0.0;
  std::uint64_t seed = 1;
  std::optional<double> relu_like;
  std::uint64_t count = 32768;
  bool fix_last_bpc_hang = false;
  std::string design = "published";
  unsigned lanes = 1;  // --lanes: lane engines of our RTL (docs/hardware.md "Lanes")
  std::vector<std::string> inputs;
};

// One input's report (hw::HwSimReport; measured_by_stage false for --design ours: only
// cycles, streams and latencies are measured) with its name and W.
struct SimResult : hw::HwSimReport {
  std::string name;
  unsigned w = 8;
};

std::string opt_cycle(const std::optional<std::uint64_t>& c) { return c ? std::to_string(*c) : std::string("none"); }


SimResult simulate(const std::string& name, const std::vector<std::uint32_t>& words, const hw::HwConfig& config) {
  if (words.empty()) {
    fail(name + ": no words to simulate");
  }
  auto rt = hw::hw_round_trip(words, config, false);
  if (!rt) {
    if (rt.error().code == Error::hardware_hang) {
      fail(name + ": the authors' RTL hangs on this input (its last BPC word is never emitted; docs/hardware.md, "
                  "\"A hang in the RTL\"); --fix-last-bpc-hang models the one-line fix");
    }
    if (rt.error().code == Error::limit_exceeded) {
      fail(fmt::format("{}: the simulation passed --max-cycles {} (slow outputs or many bubbles: raise --out-ready "
                       "or --max-cycles)", name, config.max_ncycles));
    }
    if (rt.error().code == Error::bad_parameter) {
      fail(fmt::format("{}: {} words exceed the hardware's transmission of at most 2^24 words", name, words.size()));
    }
    fail(name + ": " + rt.error().message);
  }
  SimResult r;
  r.enc = std::move(rt->enc);
  r.dec = std::move(rt->dec);
  r.lane_nwords = {words.size()};
  r.name = name;
  r.w = config.word_nbits;
  return r;
}

// --design ours: our RTL (rtl/, docs/hardware.md "Our RTL") in Verilator. Fills the cycle
// counts, streams and latencies; the per-stage breakdowns are the published model's only (0).
// With lanes > 1 the lane tops (docs/hardware.md "Lanes"): the streams are the lanes' streams
// one after the other, the first ZNZ/BPC cycles the earliest lane's.
SimResult simulate_ours(const std::string& name, const std::vector<std::uint32_t>& words, const hw::HwConfig& config,
                        unsigned lanes) {
#ifdef EBPC_HAVE_RTL
  if (words.empty()) {
    fail(name + ": no words to simulate");
  }
  if (words.size() > hw::k_max_hw_nwords) {
    fail(fmt::format("{}: {} words exceed the hardware's transmission of at most 2^24 words", name, words.size()));
  }
  const unsigned w = config.word_nbits;
  const unsigned b = config.block_nwords;
  if (!rtl::rtl_has_config(w, b)) {
    fail(fmt::format("hw sim --design ours: built for --width/--block 8/8, 16/8, 16/16, not {}/{}", w, b));
  }
  if (lanes > 1 && !rtl::rtl_has_lanes_config(w, b, lanes)) {
    fail(fmt::format("hw sim --design ours --lanes: built for --lanes 1, 2, 4, 8 at --width/--block 8/8, not "
                     "--lanes {} at {}/{}", lanes, w, b));
  }
  const rtl::Traffic t{config.in_bubble_probability, config.out_ready_probability, config.out_ready_seed};
  const std::uint64_t max_ncycles = 1000 + 64 * words.size() + static_cast<std::uint64_t>(
      static_cast<double>(words.size()) * 64.0 / std::max(0.01, config.out_ready_probability * (1.0 - config.in_bubble_probability)));
  SimResult r;
  r.name = name;
  r.w = w;
  r.measured_by_stage = false;
  r.lane_nwords = {words.size()};
  r.enc.input_nwords = words.size();
  r.enc.nonzero_nwords = static_cast<std::uint64_t>(std::count_if(words.begin(), words.end(), [](std::uint32_t v) { return v != 0; }));
  if (lanes > 1) {
    // the lane tops: the buffer in lanes as docs/format.md "Lanes" cuts it (L = --lanes)
    auto earliest = [](std::optional<std::uint64_t>& all, const std::optional<std::uint64_t>& lane) {
      if (lane && (!all || *lane < *all)) {
        all = lane;
      }
    };
    const auto enc = rtl::rtl_encode_lanes(w, b, lanes, {words}, t, max_ncycles);
    if (!enc) {
      fail(name + ": our lane RTL: " + enc.error().message);
    }
    const auto& e = enc->at(0);
    std::vector<rtl::DecoderInput> din;
    r.lane_nwords.clear();
    const unsigned count = lane_count(words.size(), lanes);
    const std::size_t stride = lane_stride_nwords(words.size(), count);
    for (unsigned k = 0; k < count; ++k) {
      const auto& l = e.lanes.at(k);
      r.lane_nwords.push_back(k + 1 < count ? stride : words.size() - stride * k);
      r.enc.znz_words.insert(r.enc.znz_words.end(), l.znz_words.begin(), l.znz_words.end());
      r.enc.bpc_words.insert(r.enc.bpc_words.end(), l.bpc_words.begin(), l.bpc_words.end());
      earliest(r.enc.first_znz_cycle, l.first_znz_cycle);
      earliest(r.enc.first_bpc_cycle, l.first_bpc_cycle);
      din.push_back(rtl::decoder_input_of(r.lane_nwords.back(), l.znz_words, l.bpc_words));
    }
    r.enc.ncycles = e.ncycles;
    r.enc.last_input_cycle = e.last_in_cycle;
    const auto dec = rtl::rtl_decode_lanes(w, b, lanes, {din}, t, max_ncycles);
    if (!dec) {
      fail(name + ": our lane RTL: " + dec.error().message);
    }
    r.dec.words = dec->at(0).words;
    r.dec.ncycles = dec->at(0).ncycles;
    r.dec.first_output_cycle = dec->at(0).first_output_cycle;
    if (r.dec.words != words) {
      fail(name + ": our lane RTL decoder did not return the input (an RTL bug; please report it)");
    }
    return r;
  }
  const auto enc = rtl::rtl_encode(w, b, {words}, t, max_ncycles);
  if (!enc) {
    fail(name + ": our RTL: " + enc.error().message);
  }
  const auto& e = enc->at(0);
  r.enc.znz_words = e.znz_words;
  r.enc.bpc_words = e.bpc_words;
  r.enc.ncycles = e.ncycles;
  r.enc.last_input_cycle = e.last_in_cycle;
  r.enc.first_znz_cycle = e.first_znz_cycle;
  r.enc.first_bpc_cycle = e.first_bpc_cycle;
  const auto dec = rtl::rtl_decode(w, b, {rtl::decoder_input_of(words.size(), e.znz_words, e.bpc_words)}, t, max_ncycles);
  if (!dec) {
    fail(name + ": our RTL: " + dec.error().message);
  }
  r.dec.words = dec->at(0).words;
  r.dec.ncycles = dec->at(0).ncycles;
  r.dec.first_output_cycle = dec->at(0).first_output_cycle;
  if (r.dec.words != words) {
    fail(name + ": our RTL decoder did not return the input (an RTL bug; please report it)");
  }
  return r;
#else
  (void)words;
  (void)config;
  (void)lanes;
  fail(name + ": hw sim --design ours: this ebpc was built without our RTL (needs Verilator, EBPC_WITH_RTL)");
#endif
}

nlohmann::json to_json(const SimResult& r) {
  nlohmann::json j = nlohmann::json::parse(hw::to_json(r));
  j["name"] = r.name;
  return j;
}

void print_text(const SimResult& r) {
  const auto& e = r.enc;
  const auto& d = r.dec;
  const double zero_pct = 100.0 * (1.0 - static_cast<double>(e.nonzero_nwords) / static_cast<double>(e.input_nwords));
  fmt::print("{}: {} words, {:.1f}% zero\n", r.name, e.input_nwords, zero_pct);
  if (r.lane_nwords.size() > 1) {
    fmt::print("  {} lanes of {} words (the last {})\n", r.lane_nwords.size(), r.lane_nwords.front(),
               r.lane_nwords.back());
  }
  if (!r.measured_by_stage) {
    fmt::print("  encoder (ours): {} cycles, {:.4f} words/cycle; first znz word cycle {}, first bpc word cycle {}, "
               "drain {} cycles after the last input\n",
               e.ncycles, e.words_per_cycle(), opt_cycle(e.first_znz_cycle), opt_cycle(e.first_bpc_cycle),
               e.drain_ncycles());
    fmt::print("  decoder (ours): {} cycles, {:.4f} words/cycle; first output cycle {}\n", d.ncycles,
               d.words_per_cycle(), opt_cycle(d.first_output_cycle));
    return;
  }
  fmt::print("  encoder: {} cycles, {:.4f} words/cycle; stalls {} (bpc path {}, znz path {}, flush {})\n", e.ncycles,
             e.words_per_cycle(), e.stall_ncycles(), e.stalls.bpc_path_ncycles, e.stalls.znz_path_ncycles,
             e.stalls.flush_ncycles);
  fmt::print("           latency: first znz word cycle {}, first bpc word cycle {}, drain {} cycles after the last input\n",
             opt_cycle(e.first_znz_cycle), opt_cycle(e.first_bpc_cycle), e.drain_ncycles());
  fmt::print("           coder: base {}, planes {}, run ends {}, blocked {}, idle {}; output blocked znz {}, bpc {}\n",
             e.coder.base_ncycles, e.coder.plane_ncycles, e.coder.run_end_ncycles, e.coder.blocked_ncycles,
             e.coder.idle_ncycles, e.znz_blocked_ncycles, e.bpc_blocked_ncycles);
  fmt::print("  decoder: {} cycles, {:.4f} words/cycle; output bubbles {} (start {}, znz wait {}, bpc wait {}); "
             "output blocked {}\n",
             d.ncycles, d.words_per_cycle(), d.bubbles.total(), d.bubbles.start_ncycles, d.bubbles.znz_wait_ncycles,
             d.bubbles.bpc_wait_ncycles, d.out_blocked_ncycles);
  fmt::print("           latency: first output cycle {}; symbol decoder: base {}, planes {}, starved {}, blocked {}, "
             "idle {}\n",
             opt_cycle(d.first_output_cycle), d.symbol.base_ncycles, d.symbol.plane_ncycles, d.symbol.starved_ncycles,
             d.symbol.blocked_ncycles, d.symbol.idle_ncycles);
}

void run_sim(const SimOptions& o) {
  if (o.inputs.empty() && !o.relu_like) {
    fail("hw sim: give .npy files, or --relu-like ZERO_FRACTION for synthetic data");
  }
  if (o.lanes != 1 && o.design != "ours") {
    fail("hw sim: --lanes needs --design ours (the published design has one lane)");
  }
  std::vector<SimResult> results;
  auto make_config = [&](unsigned w) {
    hw::HwConfig c;
    c.word_nbits = w;
    c.block_nwords = o.block_nwords;
    c.out_ready_probability = o.out_ready;
    c.out_ready_seed = o.seed;
    c.in_bubble_probability = o.in_bubble;
    c.in_bubble_seed = o.seed + 1;
    c.fix_last_bpc_hang = o.fix_last_bpc_hang;
    c.max_ncycles = o.max_cycles;
    if (!hw::validate(c)) {
      fail(fmt::format("hw sim: the published hardware takes --width 8 or 16 and --block 8 or 16 with block <= "
                       "width, --out-ready in (0, 1], --in-bubble in [0, 1) (got width {}, block {})",
                       w, o.block_nwords));
    }
    return c;
  };
  if (o.relu_like) {
    const unsigned w = o.width.value_or(8);
    const hw::HwConfig c = make_config(w);
    if (*o.relu_like < 0.0 || *o.relu_like > 1.0) {
      fail("hw sim: --relu-like takes a zero fraction in [0, 1]");
    }
    const auto words = hw::relu_like_words(static_cast<std::size_t>(o.count), w, *o.relu_like, o.seed);
    const std::string name = fmt::format("relu-like(zeros={}, n={}, seed={})", *o.relu_like, o.count, o.seed);
    results.push_back(o.design == "ours" ? simulate_ours(name, words, c, o.lanes) : simulate(name, words, c));
    if (!o.json) {
      print_text(results.back());
    }
  }
  for (const std::string& path : o.inputs) {
    const NpyArray a = load_npy(path);
    const unsigned w = o.width.value_or(default_word_nbits(a.header.dtype));
    const hw::HwConfig c = make_config(w);
    const auto words = words_of(a, w, path);
    results.push_back(o.design == "ours" ? simulate_ours(path, words, c, o.lanes) : simulate(path, words, c));
    if (!o.json) {
      print_text(results.back());
    }
  }

  std::uint64_t nwords = 0;
  std::uint64_t enc_ncycles = 0;
  std::uint64_t dec_ncycles = 0;
  std::uint64_t stall_ncycles = 0;
  std::uint64_t stall_bpc = 0;
  std::uint64_t stall_znz = 0;
  std::uint64_t bubbles = 0;
  std::uint64_t bubbles_bpc = 0;
  std::uint64_t bubbles_znz = 0;
  for (const auto& r : results) {
    nwords += r.enc.input_nwords;
    enc_ncycles += r.enc.ncycles;
    dec_ncycles += r.dec.ncycles;
    stall_ncycles += r.enc.stall_ncycles();
    stall_bpc += r.enc.stalls.bpc_path_ncycles;
    stall_znz += r.enc.stalls.znz_path_ncycles;
    bubbles += r.dec.bubbles.total();
    bubbles_bpc += r.dec.bubbles.bpc_wait_ncycles;
    bubbles_znz += r.dec.bubbles.znz_wait_ncycles;
  }
  const double enc_wpc = static_cast<double>(nwords) / static_cast<double>(enc_ncycles);
  const double dec_wpc = static_cast<double>(nwords) / static_cast<double>(dec_ncycles);
  if (o.json) {
    nlohmann::json j;
    j["design"] = o.design;
    j["lanes"] = o.lanes;
    j["block_words"] = o.block_nwords;
    j["out_ready_probability"] = o.out_ready;
    j["in_bubble_probability"] = o.in_bubble;
    j["seed"] = o.seed;
    j["files"] = nlohmann::json::array();
    for (const auto& r : results) {
      j["files"].push_back(to_json(r));
    }
    j["total"] = {
        {"files", results.size()},
        {"words", nwords},
        {"encoder", {{"cycles", enc_ncycles}, {"words_per_cycle", enc_wpc}, {"stall_cycles", stall_ncycles},
                     {"stall_cycles_by_cause", {{"bpc_path", stall_bpc}, {"znz_path", stall_znz}}}}},
        {"decoder", {{"cycles", dec_ncycles}, {"words_per_cycle", dec_wpc}, {"output_bubble_cycles", bubbles},
                     {"output_bubble_cycles_by_cause", {{"bpc_wait", bubbles_bpc}, {"znz_wait", bubbles_znz}}}}},
    };
    fmt::print("{}\n", j.dump(2));
  } else if (results.size() > 1) {
    fmt::print("total: {} files, {} words\n", results.size(), nwords);
    fmt::print("  encoder: {} cycles, {:.4f} words/cycle; stalls {} (bpc path {}, znz path {})\n", enc_ncycles, enc_wpc,
               stall_ncycles, stall_bpc, stall_znz);
    fmt::print("  decoder: {} cycles, {:.4f} words/cycle; output bubbles {} (bpc wait {}, znz wait {})\n", dec_ncycles,
               dec_wpc, bubbles, bubbles_bpc, bubbles_znz);
  }
}

}  // namespace

void register_hw_sim(CLI::App& hw) {
  auto opts = std::make_shared<SimOptions>();
  auto* sim = hw.add_subcommand("sim",
                                "Cycle-accurate model of the published EBPC encoder and decoder: cycles, words/cycle, "
                                "stalls and latencies per file and in total (docs/hardware.md)");
  sim->add_option("inputs", opts->inputs, "input .npy files (each one transmission of at most 2^24 words)");
  sim->add_option("-w,--width", opts->width, "word width W in bits: 8 or 16 (default: the dtype's size)");
  sim->add_option("-b,--block", opts->block_nwords, "block size B: 8 or 16, B <= W (default 8)");
  sim->add_flag("--json", opts->json, "print JSON instead of text");
  sim->add_option("--out-ready", opts->out_ready, "probability that an output is ready in a cycle (default 1)");
  sim->add_option("--max-cycles", opts->max_cycles, "stop with an error after this many cycles per model")
      ->capture_default_str();
  sim->add_option("--in-bubble", opts->in_bubble, "probability of an input bubble before each word (default 0)");
  sim->add_option("--seed", opts->seed, "seed of the back-pressure, bubbles and --relu-like data (default 1)");
  sim->add_option("--relu-like", opts->relu_like,
                  "also simulate synthetic ReLU-like data with this zero fraction (the data of docs/hardware.md "
                  "\"The table: RTL versus model\")");
  sim->add_flag("--fix-last-bpc-hang", opts->fix_last_bpc_hang,
                "model the one-line RTL fix for the hang of the last BPC word (docs/hardware.md)");
  sim->add_option("--count", opts->count, "number of words of --relu-like data (default 32768)");
  sim->add_option("--design", opts->design,
                  "published: the model of the authors' RTL (default); ours: our RTL (rtl/) in Verilator, cycle "
                  "counts and latencies only")
      ->check(CLI::IsMember({"published", "ours"}));
  sim->add_option("--lanes", opts->lanes,
                  "with --design ours: LANES lane engines behind one port of LANES words, each file cut into "
                  "lanes as the container's lanes (docs/format.md \"Lanes\", L = LANES): 1 (default), 2, 4, 8 "
                  "(docs/hardware.md \"Lanes\")")
      ->check(CLI::IsMember({1u, 2u, 4u, 8u}));
  sim->callback([opts] { run_sim(*opts); });
}

}  // namespace ebpc::cli
