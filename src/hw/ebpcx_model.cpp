// The EBPC-X cycle model and cost table (docs/ebpcx.md, "Cycle model (src/hw)"): lanes,
// cycles per word for each k (bins per cycle), the encoder's byte FIFO and the decoder's
// input buffer, and the registers and memories of one lane.
#include <algorithm>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "hw/ebpcx_common.hpp"
#include <ebpc/codecs.hpp>
#include <ebpc/hw_ebpcx.hpp>

namespace ebpc::hw {

using namespace detail::ebpcx;

Result<void> validate(const EbpcxParams& params) noexcept {
  const bool ok = params.format == EbpcxFormat::fixed ? (params.word_nbits >= 2 && params.word_nbits <= 16)
                                                       : params.word_nbits == 16;
  if (!ok) {
    return tl::unexpected(Error::bad_parameter);
  }
  return {};
}

unsigned ebpcx_class_count(const EbpcxParams& params) noexcept {
  switch (params.format) {
    case EbpcxFormat::fixed:
      return params.word_nbits + 1;
    case EbpcxFormat::float16:
      return 33;
    case EbpcxFormat::bfloat16:
      return 257;
  }
  return 0;
}

std::string ebpcx_format_name(const EbpcxParams& params) {
  switch (params.format) {
    case EbpcxFormat::fixed:
      return "fixed" + std::to_string(params.word_nbits);
    case EbpcxFormat::float16:
      return "float16";
    case EbpcxFormat::bfloat16:
      return "bfloat16";
  }
  return "?";
}

EbpcxShape ebpcx_shape_of(std::span<const std::uint64_t> shape) noexcept {
  EbpcxShape s;
  if (shape.size() == 3) {
    s = {shape[0], shape[1], shape[2]};
  } else if (shape.size() == 2) {
    s = {shape[0], 1, shape[1]};
  } else if (shape.size() < 2) {
    s = {shape.empty() ? 1 : shape[0], 1, 1};
  } else {
    std::uint64_t rest = 1;
    for (std::size_t i = 2; i < shape.size(); ++i) {
      rest *= shape[i];
    }
    s = {shape[0], shape[1], rest};
  }
  return s;
}

Result<void> validate(const EbpcxCycleConfig& config) noexcept {
  const bool ks_ok = !config.bins_per_cycle.empty() &&
                     std::all_of(config.bins_per_cycle.begin(), config.bins_per_cycle.end(),
                                 [](unsigned k) { return k >= 1 && k <= k_ebpcx_max_bins_per_word; });
  if (config.lanes < 1 || config.lanes > k_max_lanes || !ks_ok || config.range_port_nbytes < 1 ||
      config.range_port_nbytes > 8 || config.packed_fifo_nwords < 1) {
    return tl::unexpected(Error::bad_parameter);
  }
  return {};
}

namespace {

double per_word(std::uint64_t ncycles, std::uint64_t nwords) {
  return nwords == 0 ? 0.0 : static_cast<double>(ncycles) / static_cast<double>(nwords);
}

// The decoder's range input buffer: two port widths, and at least the k bytes one cycle can take.
std::uint64_t decoder_buffer_nbytes(unsigned port_nbytes, unsigned k) {
  return std::max<std::uint64_t>(2 * std::uint64_t{port_nbytes}, k);
}

std::uint64_t word_ncycles(unsigned bins, unsigned k) { return std::max<std::uint64_t>(1, (bins + k - 1) / k); }

// One lane's cycles for one k.
struct LaneCycles {
  std::uint64_t coder = 0;
  std::uint64_t encoder = 0;
  std::uint64_t decoder = 0;
  std::uint64_t decoder_stalls = 0;
  std::uint64_t max_backlog = 0;
  std::uint64_t packed = 0;
  std::uint64_t packed_stalls = 0;
};

// The k-bin coder's cycles and the range bytes moved in each of them. For cycle j of word i
// (bins [first + j k, first + min(b, (j+1) k)) of the chunk), visit(shifts, out_nbytes) gets
// the number of renormalisation shifts (bytes the decoder consumes) and the bytes the
// encoder puts into its FIFO in that cycle.
template <class Visit>
void for_each_coder_cycle(const EbpcxEncodeReport& e, unsigned k, Visit&& visit) {
  const auto& sb = e.range.shift_bins;
  const auto& so = e.range.shift_out_nbytes;
  std::size_t sp = 0;
  std::uint64_t first = 0;
  for (const std::uint8_t b : e.bins_per_word) {
    const std::uint64_t n = word_ncycles(b, k);
    for (std::uint64_t j = 0; j < n; ++j) {
      const std::uint64_t hi = std::min<std::uint64_t>(first + b, first + (j + 1) * k);
      std::uint32_t shifts = 0;
      std::uint64_t out = 0;
      while (sp < sb.size() && sb[sp] < hi) {
        ++shifts;
        out += so[sp];
        ++sp;
      }
      visit(shifts, out);
    }
    first += b;
  }
}

LaneCycles lane_cycles(const EbpcxEncodeReport& e, unsigned k, unsigned port_nbytes, std::uint64_t fifo_nwords) {
  LaneCycles c;
  // Encoder: cycle 0 context stage, cycles 1..C the coder; a byte put into the FIFO in cycle
  // t is written from cycle t + 1 on, port_nbytes per cycle.
  std::uint64_t backlog = 0;
  auto tick = [&](std::uint64_t arriving) {
    backlog -= std::min<std::uint64_t>(port_nbytes, backlog);
    backlog += arriving;
    c.max_backlog = std::max(c.max_backlog, backlog);
  };
  // Decoder: the code register takes 4 bytes first (ceil(4 / port) cycles); then each coder
  // cycle takes `shifts` (<= k) bytes from a buffer of max(2 x port, k) bytes that the port
  // refills at the end of every cycle; a cycle whose bytes are not there yet stalls.
  const std::uint64_t cap = decoder_buffer_nbytes(port_nbytes, k);
  std::uint64_t t_dec = 0;
  std::uint64_t delivered = 0;
  std::uint64_t consumed = 4;
  while (delivered < 4) {
    delivered += port_nbytes;
    ++t_dec;
  }
  auto refill = [&] { delivered = std::min(delivered + port_nbytes, consumed + cap); };
  for_each_coder_cycle(e, k, [&](std::uint32_t shifts, std::uint64_t out) {
    ++c.coder;
    tick(out);
    while (delivered - consumed < shifts) {
      ++c.decoder_stalls;
      ++t_dec;
      refill();
    }
    consumed += shifts;
    ++t_dec;
    refill();
  });
  // Encoder end: one flush cycle (5 shifts), then the cycles that empty the FIFO.
  tick(e.range.flush_out_nbytes);
  std::uint64_t drain = 0;
  while (backlog > 0) {
    backlog -= std::min<std::uint64_t>(port_nbytes, backlog);
    ++drain;
  }
  c.encoder = 1 + c.coder + 1 + drain;
  c.decoder = t_dec + 1;
  // Bin-packed coder: k bins per cycle across word boundaries from a FIFO of fifo_nwords
  // words; the source puts word 0 in at cycle 0 and one word at the end of every cycle in
  // which the FIFO has room (a word leaves the FIFO when its last bin is coded).
  const auto& bins = e.bins_per_word;
  const std::uint64_t n = bins.size();
  std::uint64_t t = 0;
  std::uint64_t arrived = n == 0 ? 0 : 1;
  std::uint64_t done = 0;
  unsigned rem = n == 0 ? 0 : bins[0];
  while (done < n) {
    ++t;
    unsigned budget = k;
    while (budget > 0 && done < arrived) {
      const unsigned use = std::min(budget, rem);
      budget -= use;
      rem -= use;
      if (rem == 0) {
        ++done;
        rem = done < n ? bins[static_cast<std::size_t>(done)] : 0;
      }
    }
    if (arrived < n) {
      if (arrived - done < fifo_nwords) {
        ++arrived;
      } else {
        ++c.packed_stalls;
      }
    }
  }
  c.packed = t;
  return c;
}

EbpcxStateItem ff(std::string name, std::uint64_t nbits, std::string note = {}) {
  return {std::move(name), nbits, EbpcxStorage::flip_flops, std::move(note)};
}

// The context registers both directions hold.
void add_context_items(EbpcxStateBits& s, const EbpcxShape& shape, const EbpcxParams& params) {
  const unsigned cls_nbits = ceil_log2(ebpcx_class_count(params));
  auto counter_nbits = [](std::uint64_t n) {
    unsigned b = 0;
    while (b < 64 && (std::uint64_t{1} << b) < n) {
      ++b;
    }
    return static_cast<std::uint64_t>(b);
  };
  s.items.push_back(ff("context: left class", cls_nbits));
  s.items.push_back(ff("context: base", cls_nbits));
  s.items.push_back(ff("context: sign flag", 1));
  s.items.push_back(ff("context: bin counter", ceil_log2(k_ebpcx_max_bins_per_word), "the next bin of the word, 0..9"));
  s.items.push_back(ff("position counters (x, y, channel)",
                       counter_nbits(shape.width) + counter_nbits(shape.height) + counter_nbits(shape.channels),
                       "decide whether above / previous channel exist"));
  s.items.push_back(ff("above context: line buffer", shape.width, "nonzero flag per row position (a shift register)"));
  s.items.push_back({"previous-channel context: plane buffer", shape.plane_nwords(), EbpcxStorage::sram,
                     "nonzero flag per position of a channel plane: one read and one write per word"});
}

}  // namespace

double EbpcxCycles::coder_cycles_per_word() const noexcept { return per_word(coder_ncycles * lanes, nwords); }
double EbpcxCycles::encoder_cycles_per_word() const noexcept { return per_word(encoder_ncycles * lanes, nwords); }
double EbpcxCycles::decoder_cycles_per_word() const noexcept { return per_word(decoder_ncycles * lanes, nwords); }
double EbpcxCycles::packed_cycles_per_word() const noexcept {
  return per_word(packed_coder_ncycles * lanes, nwords);
}

std::uint64_t EbpcxStateBits::flip_flop_nbits() const noexcept {
  std::uint64_t n = 0;
  for (const auto& it : items) {
    n += it.storage == EbpcxStorage::flip_flops ? it.nbits : 0;
  }
  return n;
}

std::uint64_t EbpcxStateBits::sram_nbits() const noexcept {
  std::uint64_t n = 0;
  for (const auto& it : items) {
    n += it.storage == EbpcxStorage::sram ? it.nbits : 0;
  }
  return n;
}

std::uint64_t EbpcxStateBits::nbits_of(std::string_view name) const noexcept {
  for (const auto& it : items) {
    if (it.name == name) {
      return it.nbits;
    }
  }
  return 0;
}

EbpcxStateBits ebpcx_encoder_state(const EbpcxShape& shape, const EbpcxParams& params, std::uint64_t chunk_nwords,
                                   unsigned fifo_nbytes) {
  EbpcxStateBits s;
  const Probs probs{};
  s.items.push_back(ff("probability states", probs.size() * k_ebpcx_prob_nbits, "37 x 11 bits"));
  s.items.push_back(ff("range coder: low", k_low_nbits));
  s.items.push_back(ff("range coder: range", k_range_nbits));
  s.items.push_back(ff("range coder: cached byte", k_cache_nbits));
  s.items.push_back(ff("range coder: pending-0xFF count", k_pending_nbits));
  add_context_items(s, shape, params);
  s.items.push_back(ff("context stage register (class, top bit, zero-flag state)",
                       ceil_log2(ebpcx_class_count(params)) + 1 + 3));
  s.items.push_back(ff("raw packer: accumulator", k_raw_acc_nbits, "< 32 + 22 bits held, a 32-bit port"));
  s.items.push_back(ff("raw packer: fill count", ceil_log2(k_raw_acc_nbits)));
  s.items.push_back(ff("range byte FIFO", 8 * std::uint64_t{fifo_nbytes}, "sized for the largest backlog measured"));
  s.items.push_back(ff("range byte FIFO: fill count", ceil_log2(fifo_nbytes + 1)));
  // base = the most frequent nonzero class: one counter per nonzero class, wide enough for
  // the chunk; not needed when the producer sends base and the sign flag with the chunk.
  unsigned count_nbits = 1;
  while (count_nbits < 64 && (std::uint64_t{1} << count_nbits) <= chunk_nwords) {
    ++count_nbits;
  }
  s.items.push_back(ff("pre-pass histogram (base)", std::uint64_t{ebpcx_class_count(params) - 1} * count_nbits,
                       "only if the encoder finds base itself"));
  return s;
}

EbpcxStateBits ebpcx_decoder_state(const EbpcxShape& shape, const EbpcxParams& params, unsigned range_port_nbytes,
                                   unsigned bins_per_cycle) {
  EbpcxStateBits s;
  const Probs probs{};
  s.items.push_back(ff("probability states", probs.size() * k_ebpcx_prob_nbits, "37 x 11 bits"));
  s.items.push_back(ff("range decoder: range", k_range_nbits));
  s.items.push_back(ff("range decoder: code", k_code_nbits));
  s.items.push_back(ff("range input buffer", 8 * decoder_buffer_nbytes(range_port_nbytes, bins_per_cycle),
                       "max(2 x the port, k) bytes"));
  add_context_items(s, shape, params);
  s.items.push_back(ff("raw unpacker: window", k_raw_acc_nbits, "< 32 + 22 bits held, a 32-bit port"));
  s.items.push_back(ff("raw unpacker: fill count", ceil_log2(k_raw_acc_nbits)));
  s.items.push_back(ff("output word register", params.word_nbits));
  return s;
}

double EbpcxReport::ratio() const noexcept {
  return coded_nbits == 0 ? 0.0
                          : static_cast<double>(nwords) * params.word_nbits / static_cast<double>(coded_nbits);
}

double EbpcxReport::bins_per_word() const noexcept { return per_word(context_bins, nwords); }

Outcome<EbpcxReport> ebpcx_model(std::span<const std::uint32_t> words, const EbpcxShape& shape,
                                 const EbpcxParams& params, const EbpcxCycleConfig& config) {
  if (!validate(params) || !validate(config)) {
    return tl::unexpected(Failure{Error::bad_parameter, "bad EBPC-X parameters"});
  }
  if (words.empty() || words.size() != shape.nwords()) {
    return tl::unexpected(Failure{Error::bad_parameter, "the words do not fill the map's shape (or there are none)"});
  }
  EbpcxReport r;
  r.shape = shape;
  r.params = params;
  r.nwords = words.size();
  r.range_port_nbytes = config.range_port_nbytes;
  r.packed_fifo_nwords = config.packed_fifo_nwords;
  r.lanes = lane_count(words.size(), config.lanes);
  const std::size_t stride = lane_stride_nwords(words.size(), r.lanes);
  std::vector<EbpcxEncodeReport> encs;
  for (unsigned l = 0; l < r.lanes; ++l) {
    const std::size_t begin = l * stride;
    const std::size_t end = l + 1 == r.lanes ? words.size() : begin + stride;
    const auto lane_words = words.subspan(begin, end - begin);
    auto e = ebpcx_encode(lane_words, shape, params, begin);
    if (!e) {
      return tl::unexpected(failure(e.error(), "EBPC-X encoder model (lane " + std::to_string(l) + ")"));
    }
    auto d = ebpcx_decode(e->streams, lane_words.size(), shape, params, begin);
    if (!d) {
      return tl::unexpected(failure(d.error(), "EBPC-X decoder model (lane " + std::to_string(l) + ")"));
    }
    if (!std::equal(d->words.begin(), d->words.end(), lane_words.begin(), lane_words.end()) ||
        d->bins_per_word != e->bins_per_word) {
      return tl::unexpected(
          Failure{Error::corrupt, "the EBPC-X decoder model did not return the input (a model bug)"});
    }
    EbpcxLaneReport lr;
    lr.origin = begin;
    lr.nwords = lane_words.size();
    lr.nonzero_nwords = e->nonzero_nwords;
    lr.max_pending_nbytes = e->range.max_pending_nbytes;
    lr.max_shifts_per_bin = e->range.max_shifts_per_bin;
    lr.max_low = e->range.max_low;
    for (std::size_t i = 0; i < lane_words.size(); ++i) {
      const unsigned b = e->bins_per_word[i];
      lr.context_bins += b;
      lr.max_bins_per_word = std::max(lr.max_bins_per_word, b);
      lr.max_raw_nbits_per_word = std::max<unsigned>(lr.max_raw_nbits_per_word, e->raw_nbits_per_word[i]);
      ++r.bins_histogram[b];
    }
    lr.raw_nbits = e->streams.raw_nbits;
    lr.streams = e->streams;
    r.coded_nbits += lr.streams.coded_nbits();
    r.nonzero_nwords += lr.nonzero_nwords;
    r.context_bins += lr.context_bins;
    r.raw_nbits += lr.raw_nbits;
    r.max_bins_per_word = std::max(r.max_bins_per_word, lr.max_bins_per_word);
    r.max_raw_nbits_per_word = std::max(r.max_raw_nbits_per_word, lr.max_raw_nbits_per_word);
    r.max_pending_nbytes = std::max(r.max_pending_nbytes, lr.max_pending_nbytes);
    r.max_shifts_per_bin = std::max(r.max_shifts_per_bin, lr.max_shifts_per_bin);
    r.prepass_ncycles = std::max<std::uint64_t>(r.prepass_ncycles, lr.nwords);
    r.lane_reports.push_back(std::move(lr));
    encs.push_back(std::move(*e));
  }
  if (r.lanes > 1) {
    r.lane_table_nbits = 64 * std::uint64_t{r.lanes};
    r.coded_nbits += r.lane_table_nbits;
  }
  std::uint64_t max_backlog = 0;
  for (const unsigned k : config.bins_per_cycle) {
    EbpcxCycles c;
    c.bins_per_cycle = k;
    c.one_word_per_cycle = r.max_bins_per_word <= k;
    c.nwords = r.nwords;
    c.lanes = r.lanes;
    for (std::size_t l = 0; l < encs.size(); ++l) {
      const LaneCycles lc = lane_cycles(encs[l], k, config.range_port_nbytes, config.packed_fifo_nwords);
      // the map takes as long as its slowest lane (each count on its own)
      c.coder_ncycles = std::max(c.coder_ncycles, lc.coder);
      c.encoder_ncycles = std::max(c.encoder_ncycles, lc.encoder);
      c.decoder_ncycles = std::max(c.decoder_ncycles, lc.decoder);
      c.decoder_input_stall_ncycles = std::max(c.decoder_input_stall_ncycles, lc.decoder_stalls);
      c.max_range_backlog_nbytes = std::max(c.max_range_backlog_nbytes, lc.max_backlog);
      c.packed_coder_ncycles = std::max(c.packed_coder_ncycles, lc.packed);
      c.packed_input_stall_ncycles = std::max(c.packed_input_stall_ncycles, lc.packed_stalls);
    }
    max_backlog = std::max(max_backlog, c.max_range_backlog_nbytes);
    r.cycles.push_back(c);
  }
  // The smallest k at which the bin-packed coder's source never waits, in any lane.
  r.min_k_packed = k_ebpcx_max_bins_per_word;
  for (unsigned k = 1; k <= k_ebpcx_max_bins_per_word; ++k) {
    bool ok = true;
    for (std::size_t l = 0; l < encs.size() && ok; ++l) {
      ok = lane_cycles(encs[l], k, config.range_port_nbytes, config.packed_fifo_nwords).packed_stalls == 0;
    }
    if (ok) {
      r.min_k_packed = k;
      break;
    }
  }
  r.encoder_fifo_nbytes = static_cast<unsigned>(std::max<std::uint64_t>(8, max_backlog));
  r.encoder_state = ebpcx_encoder_state(shape, params, r.prepass_ncycles, r.encoder_fifo_nbytes);
  r.decoder_state = ebpcx_decoder_state(
      shape, params, config.range_port_nbytes,
      *std::max_element(config.bins_per_cycle.begin(), config.bins_per_cycle.end()));
  return r;
}

namespace {

nlohmann::json state_json(const EbpcxStateBits& s) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : s.items) {
    items.push_back({{"name", it.name},
                     {"bits", it.nbits},
                     {"storage", it.storage == EbpcxStorage::sram ? "sram" : "flip-flops"},
                     {"note", it.note}});
  }
  return {{"flip_flop_bits", s.flip_flop_nbits()}, {"sram_bits", s.sram_nbits()}, {"items", items}};
}

}  // namespace

std::string EbpcxReport::to_json() const {
  nlohmann::json j;
  j["format"] = ebpcx_format_name(params);
  j["shape"] = {shape.channels, shape.height, shape.width};
  j["words"] = nwords;
  j["nonzero_words"] = nonzero_nwords;
  j["lanes"] = lanes;
  j["coded_bits"] = coded_nbits;
  j["coded_bytes"] = (coded_nbits + 7) / 8;
  j["lane_table_bits"] = lane_table_nbits;
  j["ratio"] = ratio();
  j["context_bins"] = context_bins;
  j["bins_per_word"] = bins_per_word();
  j["raw_bits"] = raw_nbits;
  j["bins_histogram"] = bins_histogram;
  j["max_bins_per_word"] = max_bins_per_word;
  j["max_raw_bits_per_word"] = max_raw_nbits_per_word;
  j["max_pending_bytes"] = max_pending_nbytes;
  j["max_shifts_per_bin"] = max_shifts_per_bin;
  j["prepass_cycles"] = prepass_ncycles;
  j["min_k_word_aligned"] = min_k_word_aligned();
  j["min_k_packed"] = min_k_packed;
  j["range_port_bytes"] = range_port_nbytes;
  j["encoder_fifo_bytes"] = encoder_fifo_nbytes;
  j["packed_fifo_words"] = packed_fifo_nwords;
  nlohmann::json lanes_j = nlohmann::json::array();
  for (const auto& l : lane_reports) {
    lanes_j.push_back({{"origin", l.origin},
                       {"words", l.nwords},
                       {"nonzero_words", l.nonzero_nwords},
                       {"coded_bits", l.streams.coded_nbits()},
                       {"range_bytes", l.streams.range_bytes.size()},
                       {"raw_bits", l.streams.raw_nbits},
                       {"header_bits", l.streams.header_nbits},
                       {"base", l.streams.base_class},
                       {"signed", l.streams.is_signed},
                       {"context_bins", l.context_bins},
                       {"max_bins_per_word", l.max_bins_per_word},
                       {"max_raw_bits_per_word", l.max_raw_nbits_per_word},
                       {"max_pending_bytes", l.max_pending_nbytes},
                       {"max_shifts_per_bin", l.max_shifts_per_bin},
                       {"max_low", l.max_low}});
  }
  j["lane_reports"] = lanes_j;
  nlohmann::json cyc = nlohmann::json::array();
  for (const auto& c : cycles) {
    cyc.push_back({{"bins_per_cycle", c.bins_per_cycle},
                   {"coder_cycles", c.coder_ncycles},
                   {"encoder_cycles", c.encoder_ncycles},
                   {"decoder_cycles", c.decoder_ncycles},
                   {"decoder_input_stall_cycles", c.decoder_input_stall_ncycles},
                   {"max_range_backlog_bytes", c.max_range_backlog_nbytes},
                   {"packed_coder_cycles", c.packed_coder_ncycles},
                   {"packed_input_stall_cycles", c.packed_input_stall_ncycles},
                   {"coder_cycles_per_word", c.coder_cycles_per_word()},
                   {"encoder_cycles_per_word", c.encoder_cycles_per_word()},
                   {"decoder_cycles_per_word", c.decoder_cycles_per_word()},
                   {"packed_cycles_per_word", c.packed_cycles_per_word()},
                   {"one_word_per_cycle", c.one_word_per_cycle}});
  }
  j["cycles"] = cyc;
  j["encoder_state"] = state_json(encoder_state);
  j["decoder_state"] = state_json(decoder_state);
  return j.dump(2);
}

}  // namespace ebpc::hw
