// The JSON form of a hardware simulation's report (ebpc::hw::to_json, <ebpc/hw.hpp>): one
// object per input, printed by `ebpc hw sim --json` and returned by Python's ebpc.hw.sim.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <ebpc/hw.hpp>

namespace ebpc::hw {

namespace {

nlohmann::json opt_json(const std::optional<std::uint64_t>& c) {
  return c ? nlohmann::json(*c) : nlohmann::json(nullptr);
}

}  // namespace

std::string to_json(const HwSimReport& r) {
  const HwEncodeReport& e = r.enc;
  const HwDecodeReport& d = r.dec;
  nlohmann::json j;
  j["words"] = e.input_nwords;
  j["nonzero_words"] = e.nonzero_nwords;
  j["lanes"] = {{"count", r.lane_nwords.size()}, {"words", r.lane_nwords}};
  j["encoder"] = {
      {"cycles", e.ncycles},
      {"words_per_cycle", e.words_per_cycle()},
      {"znz_words", e.znz_words.size()},
      {"bpc_words", e.bpc_words.size()},
      {"stall_cycles", e.stall_ncycles()},
      {"stall_cycles_by_cause",
       {{"bpc_path", e.stalls.bpc_path_ncycles}, {"znz_path", e.stalls.znz_path_ncycles}, {"flush", e.stalls.flush_ncycles}}},
      {"input_bubble_cycles", e.input_bubble_ncycles},
      {"output_blocked_cycles", {{"znz", e.znz_blocked_ncycles}, {"bpc", e.bpc_blocked_ncycles}}},
      {"coder_cycles",
       {{"base", e.coder.base_ncycles},
        {"plane", e.coder.plane_ncycles},
        {"run_end", e.coder.run_end_ncycles},
        {"blocked", e.coder.blocked_ncycles},
        {"idle", e.coder.idle_ncycles}}},
      {"first_znz_cycle", opt_json(e.first_znz_cycle)},
      {"first_bpc_cycle", opt_json(e.first_bpc_cycle)},
      {"last_input_cycle", e.last_input_cycle},
      {"drain_cycles", e.drain_ncycles()},
  };
  j["decoder"] = {
      {"cycles", d.ncycles},
      {"words_per_cycle", d.words_per_cycle()},
      {"output_bubble_cycles", d.bubbles.total()},
      {"output_bubble_cycles_by_cause",
       {{"start", d.bubbles.start_ncycles}, {"znz_wait", d.bubbles.znz_wait_ncycles}, {"bpc_wait", d.bubbles.bpc_wait_ncycles}}},
      {"output_blocked_cycles", d.out_blocked_ncycles},
      {"input_stall_cycles", {{"znz", d.znz_input_stall_ncycles}, {"bpc", d.bpc_input_stall_ncycles}}},
      {"symbol_decoder_cycles",
       {{"base", d.symbol.base_ncycles},
        {"plane", d.symbol.plane_ncycles},
        {"starved", d.symbol.starved_ncycles},
        {"blocked", d.symbol.blocked_ncycles},
        {"idle", d.symbol.idle_ncycles}}},
      {"first_output_cycle", opt_json(d.first_output_cycle)},
  };
  if (!r.measured_by_stage) {
    for (const char* k : {"stall_cycles", "stall_cycles_by_cause", "input_bubble_cycles", "output_blocked_cycles",
                          "coder_cycles"}) {
      j["encoder"][k] = nullptr;
    }
    for (const char* k : {"output_bubble_cycles", "output_bubble_cycles_by_cause", "output_blocked_cycles",
                          "input_stall_cycles", "symbol_decoder_cycles"}) {
      j["decoder"][k] = nullptr;
    }
  }
  return j.dump();
}

}  // namespace ebpc::hw
