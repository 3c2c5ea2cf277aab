// Shard files of ebpc eval and their merge (src/eval/include/ebpc/eval_shard.hpp). A shard file is
// untrusted input: every field is type- and range-checked, and a merge is refused unless
// the shards' units and rows are exactly those of one single run.
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <ebpc/eval_shard.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "eval/eval_files.hpp"

namespace ebpc::eval {

namespace {

using Json = nlohmann::json;

using detail::bad;
using detail::read_text_file;

// The options that change results; shards merge only when these are equal.
Json options_json(const EvalConfig& config, bool hw) {
  Json formats = Json::array();
  for (const NumberFormat f : config.formats) {
    formats.push_back(std::string(format_info(f).name));
  }
  Json codecs = Json::array();
  for (const CodecParams& c : config.codecs) {
    codecs.push_back(Json::array({codec_spec(c), c.block_nwords, c.max_zero_run_nwords}));
  }
  return Json{{"formats", formats}, {"codecs", codecs}, {"quirks", config.quirks}, {"hw", hw}};
}

Json datasets_json(const std::vector<Dataset>& datasets) {
  Json j = Json::array();
  for (const Dataset& d : datasets) {
    j.push_back(Json{{"dir", d.dir}, {"manifest", d.manifest}});
  }
  return j;
}

// row: an array of n unsigned integers, each < 2^64.
bool get_uints(const Json& row, std::size_t n, std::uint64_t* out) {
  if (!row.is_array() || row.size() != n) {
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!row[i].is_number_unsigned()) {
      return false;
    }
    out[i] = row[i].get<std::uint64_t>();
  }
  return true;
}

bool get_bool(const Json& j, const char* key, bool& out) {
  if (!j.contains(key) || !j[key].is_boolean()) {
    return false;
  }
  out = j[key].get<bool>();
  return true;
}

using MapKey = std::tuple<std::size_t, int, std::size_t, std::size_t>;  // dataset, kind, image, layer

// Checks the (dataset, kind, image, layer, format) prefix of a row against the datasets,
// the shard's units and the formats for which such rows exist (wanted).
bool check_map_fields(const std::uint64_t* v, const ShardResults& r, const std::set<UnitKey>& units,
                      const std::set<MapKey>& maps, const std::vector<bool>& wanted) {
  if (v[0] >= r.datasets.size() || v[1] > 1 || v[4] >= r.config.formats.size() || !wanted[v[4]]) {
    return false;
  }
  const auto d = static_cast<std::size_t>(v[0]);
  const auto kind = static_cast<MapKind>(v[1]);
  const auto image = static_cast<std::size_t>(v[2]);
  const auto layer = static_cast<std::size_t>(v[3]);
  return units.count(UnitKey{d, kind, layer}) != 0 && maps.count(MapKey{d, static_cast<int>(v[1]), image, layer}) != 0;
}

Outcome<ShardResults> parse_shard(const std::string& path, const Json& j) {
  if (!j.is_object() || !j.contains("schema") || j["schema"] != k_shard_schema) {
    return bad(path, fmt::format("not an ebpc eval shard file (\"schema\": \"{}\" expected)", k_shard_schema));
  }
  ShardResults r;
  if (!j.contains("shard") || !j.contains("shards") || !j["shard"].is_number_unsigned() ||
      !j["shards"].is_number_unsigned() || j["shards"].get<std::uint64_t>() == 0 ||
      j["shards"].get<std::uint64_t>() > 0xffffffffu ||
      j["shard"].get<std::uint64_t>() >= j["shards"].get<std::uint64_t>()) {
    return bad(path, "malformed shard file (\"shard\" and \"shards\": 0 <= shard < shards expected)");
  }
  r.shard_index = j["shard"].get<unsigned>();
  r.shard_count = j["shards"].get<unsigned>();
  // Options.
  const Json& o = j.contains("options") ? j["options"] : Json();
  if (!o.is_object() || !o.contains("formats") || !o["formats"].is_array() || !o.contains("codecs") ||
      !o["codecs"].is_array() || !get_bool(o, "quirks", r.config.quirks) || !get_bool(o, "hw", r.hw)) {
    return bad(path, "malformed shard file (\"options\")");
  }
  for (const Json& f : o["formats"]) {
    const FormatInfo* info = f.is_string() ? find_format(f.get<std::string>()) : nullptr;
    if (info == nullptr) {
      return bad(path, "malformed shard file (unknown format in \"options\")");
    }
    r.config.formats.push_back(info->id);
  }
  for (const Json& c : o["codecs"]) {
    CodecParams p;
    if (!c.is_array() || c.size() != 3 || !c[0].is_string() || !parse_codec_spec(c[0].get<std::string>(), p) ||
        !c[1].is_number_unsigned() || !c[2].is_number_unsigned() || c[1].get<std::uint64_t>() > 1024 ||
        c[2].get<std::uint64_t>() > 1u << 20) {
      return bad(path, "malformed shard file (unknown codec in \"options\")");
    }
    p.block_nwords = c[1].get<unsigned>();
    p.max_zero_run_nwords = c[2].get<unsigned>();
    r.config.codecs.push_back(p);
  }
  if (r.config.formats.empty() || r.config.codecs.empty()) {
    return bad(path, "malformed shard file (no formats or no codecs)");
  }
  // Datasets, rebuilt from their manifests.
  if (!j.contains("datasets") || !j["datasets"].is_array() || j["datasets"].empty()) {
    return bad(path, "malformed shard file (\"datasets\")");
  }
  for (const Json& d : j["datasets"]) {
    if (!d.is_object() || !d.contains("dir") || !d["dir"].is_string() || !d.contains("manifest") ||
        !d["manifest"].is_string()) {
      return bad(path, "malformed shard file (\"datasets\")");
    }
    // A merge reads no maps: the paths are only compared (the run that wrote the shard
    // checked them), so they are not confined here; names are checked as in any dataset.
    auto ds = parse_dataset(d["dir"].get<std::string>(), d["manifest"].get<std::string>(), DatasetOptions{true});
    if (!ds) {
      return bad(path, "dataset in the shard file: " + ds.error().message);
    }
    r.datasets.push_back(std::move(*ds));
  }
  // Units: exactly those of this shard.
  if (!j.contains("units") || !j["units"].is_array()) {
    return bad(path, "malformed shard file (\"units\")");
  }
  for (const Json& u : j["units"]) {
    std::uint64_t v[3];
    if (!get_uints(u, 3, v) || v[0] >= r.datasets.size() || v[1] > 1) {
      return bad(path, "malformed shard file (\"units\")");
    }
    r.units.push_back(
        UnitKey{static_cast<std::size_t>(v[0]), static_cast<MapKind>(v[1]), static_cast<std::size_t>(v[2])});
  }
  if (r.units != shard_units(r.datasets, r.shard_index, r.shard_count)) {
    return bad(path,
               fmt::format("its units are not those of shard {}/{} of its datasets", r.shard_index, r.shard_count));
  }
  const std::set<UnitKey> units(r.units.begin(), r.units.end());
  // The maps of the shard's units, and how many there are.
  std::set<MapKey> maps;
  std::uint64_t nmaps = 0;
  for (std::size_t di = 0; di < r.datasets.size(); ++di) {
    for (const DatasetFile& f : r.datasets[di].files) {
      if (units.count(UnitKey{di, f.kind, f.layer}) != 0) {
        maps.insert(MapKey{di, static_cast<int>(f.kind), f.image, f.layer});
        ++nmaps;
      }
    }
  }
  const std::size_t nformats = r.config.formats.size();
  std::vector<bool> all_formats(nformats, true);
  std::vector<bool> quirk_formats(nformats);
  std::vector<bool> hw_formats(nformats);
  for (std::size_t f = 0; f < nformats; ++f) {
    const FormatInfo& info = format_info(r.config.formats[f]);
    quirk_formats[f] = r.config.quirks && (info.id == NumberFormat::fixed8 || info.id == NumberFormat::fixed16);
    hw_formats[f] = r.hw && (info.word_nbits == 8 || info.word_nbits == 16);
  }
  const auto count_true = [](const std::vector<bool>& v) {
    return static_cast<std::uint64_t>(std::count(v.begin(), v.end(), true));
  };
  // Rows: each in range, of one of the shard's maps, unique, and all of them.
  const auto read_rows = [&](const char* key, std::size_t width, std::size_t key_nfields,
                             const std::vector<bool>& wanted, std::uint64_t per_map, auto&& make) -> Outcome<void> {
    if (!j.contains(key) || !j[key].is_array()) {
      return bad(path, fmt::format("malformed shard file (\"{}\")", key));
    }
    std::set<std::vector<std::uint64_t>> seen;
    for (const Json& row : j[key]) {
      std::uint64_t v[16];
      if (!get_uints(row, width, v) || !check_map_fields(v, r, units, maps, wanted) || !make(v) ||
          !seen.insert(std::vector<std::uint64_t>(v, v + key_nfields)).second) {
        return bad(path, fmt::format(
                             "malformed shard file (a row of \"{}\" out of range, contradictory, of another shard or repeated)", key));
      }
    }
    if (seen.size() != nmaps * per_map) {
      return bad(path,
                 fmt::format("malformed shard file (\"{}\": {} rows, {} expected)", key, seen.size(), nmaps * per_map));
    }
    return {};
  };
  // The key columns every row kind starts with: dataset, kind, image, layer, format.
  const auto set_key = [](auto& x, const std::uint64_t* v) {
    x.dataset = static_cast<std::size_t>(v[0]);
    x.kind = static_cast<MapKind>(v[1]);
    x.image = static_cast<std::size_t>(v[2]);
    x.layer = static_cast<std::size_t>(v[3]);
    x.format = static_cast<std::size_t>(v[4]);
  };
  const std::uint64_t ncodecs = r.config.codecs.size();
  // Each row must be what a run could have written: the map's values are its layer's
  // shape, zeros at most the values, uncompressed bits values x W, a non-zero compressed
  // size within any codec's worst case, and one map's values and zeros the same in every
  // row of it (codecs, quirks, hardware). Contradictions are refused, never summed.
  const auto map_values = [&](const std::uint64_t* v) {
    std::uint64_t n = 1;
    for (const std::uint64_t x : r.datasets[static_cast<std::size_t>(v[0])].layers[static_cast<std::size_t>(v[3])].shape) {
      n *= x;  // at most 2^40 (parse_dataset)
    }
    return n;
  };
  const auto word_nbits = [&](const std::uint64_t* v) {
    return std::uint64_t{format_info(r.config.formats[static_cast<std::size_t>(v[4])]).word_nbits};
  };
  const auto coded_ok = [](std::uint64_t nbits, std::uint64_t uncompressed) {
    return nbits >= 1 && nbits <= 4 * uncompressed + 4096;
  };
  std::map<std::vector<std::uint64_t>, std::uint64_t> zeros_of;  // dataset, kind, image, layer, format -> zeros
  const auto same_zeros = [&](const std::uint64_t* v, std::uint64_t zeros) {
    const auto [it, fresh] = zeros_of.emplace(std::vector<std::uint64_t>(v, v + 5), zeros);
    return fresh || it->second == zeros;
  };
  auto ok = read_rows("rows", 10, 6, all_formats, nformats * ncodecs, [&](const std::uint64_t* v) {
    if (v[5] >= ncodecs || v[6] != map_values(v) || v[7] > v[6] || v[8] != v[6] * word_nbits(v) ||
        !coded_ok(v[9], v[8]) || !same_zeros(v, v[7])) {
      return false;
    }
    ResultRow x;
    set_key(x, v);
    x.codec = static_cast<std::size_t>(v[5]);
    x.values = v[6];
    x.zero_values = v[7];
    x.uncompressed_nbits = v[8];
    x.compressed_nbits = v[9];
    r.rows.push_back(x);
    return true;
  });
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  ok = read_rows("quirk_rows", 11, 5, quirk_formats, count_true(quirk_formats), [&](const std::uint64_t* v) {
    if (v[5] != map_values(v) * word_nbits(v) ||
        !std::all_of(v + 6, v + 11, [&](std::uint64_t nbits) { return coded_ok(nbits, v[5]); })) {
      return false;
    }
    QuirkRow x;
    set_key(x, v);
    x.uncompressed_nbits = v[5];
    std::copy(v + 6, v + 11, x.nbits);
    r.quirk_rows.push_back(x);
    return true;
  });
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  ok = read_rows("hw_rows", 10, 5, hw_formats, count_true(hw_formats), [&](const std::uint64_t* v) {
    // A cycle model moves at most a few words per cycle, and takes at most a few hundred
    // cycles per word (docs/hardware.md); 0 cycles or 2^60 are not a run's.
    const auto cycles_ok = [&](std::uint64_t c) { return c >= 1 && c <= 1024 * v[5] + 65536; };
    if (v[9] > 1 || v[5] != map_values(v) || v[6] > v[5] || !same_zeros(v, v[6]) || !cycles_ok(v[7]) ||
        !cycles_ok(v[8])) {
      return false;
    }
    HwRow x;
    set_key(x, v);
    x.values = v[5];
    x.zero_values = v[6];
    x.cycles.encoder_ncycles = v[7];
    x.cycles.decoder_ncycles = v[8];
    x.cycles.rtl_hang = v[9] != 0;
    r.hw_rows.push_back(x);
    return true;
  });
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  return r;
}

// run_eval's orders.
void sort_rows(ShardResults& r) {
  std::sort(r.rows.begin(), r.rows.end(), [](const ResultRow& a, const ResultRow& b) {
    return std::tie(a.dataset, a.kind, a.image, a.layer, a.format, a.codec) <
           std::tie(b.dataset, b.kind, b.image, b.layer, b.format, b.codec);
  });
  std::sort(r.quirk_rows.begin(), r.quirk_rows.end(), [](const QuirkRow& a, const QuirkRow& b) {
    return std::tie(a.dataset, a.kind, a.image, a.layer, a.format) <
           std::tie(b.dataset, b.kind, b.image, b.layer, b.format);
  });
  std::sort(r.hw_rows.begin(), r.hw_rows.end(), [](const HwRow& a, const HwRow& b) {
    return std::tie(a.dataset, a.kind, a.image, a.layer, a.format) <
           std::tie(b.dataset, b.kind, b.image, b.layer, b.format);
  });
}

}  // namespace

std::string shard_file_name(unsigned index, unsigned count) {
  return fmt::format("shard-{}-of-{}.json", index, count);
}

Outcome<std::pair<unsigned, unsigned>> parse_shard_spec(const std::string& spec) {
  const auto slash = spec.find('/');
  unsigned index = 0;
  unsigned count = 0;
  const char* end = spec.data() + spec.size();
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < spec.size();
  if (ok) {
    const auto a = std::from_chars(spec.data(), spec.data() + slash, index);
    const auto b = std::from_chars(spec.data() + slash + 1, end, count);
    ok = a.ec == std::errc() && a.ptr == spec.data() + slash && b.ec == std::errc() && b.ptr == end && count >= 1 &&
         index < count;
  }
  if (!ok) {
    return tl::unexpected(
        Failure{Error::bad_parameter, "--shard: '" + spec + "': expected I/N with 0 <= I < N (e.g. 0/3)"});
  }
  return std::pair{index, count};
}

std::string shard_json(const ShardResults& r) {
  Json units = Json::array();
  for (const UnitKey& u : shard_units(r.datasets, r.shard_index, r.shard_count)) {
    units.push_back(Json::array({u.dataset, static_cast<int>(u.kind), u.layer}));
  }
  Json rows = Json::array();
  for (const ResultRow& x : r.rows) {
    rows.push_back(Json::array({x.dataset, static_cast<int>(x.kind), x.image, x.layer, x.format, x.codec, x.values,
                                x.zero_values, x.uncompressed_nbits, x.compressed_nbits}));
  }
  Json quirks = Json::array();
  for (const QuirkRow& x : r.quirk_rows) {
    quirks.push_back(Json::array({x.dataset, static_cast<int>(x.kind), x.image, x.layer, x.format, x.uncompressed_nbits,
                                  x.nbits[0], x.nbits[1], x.nbits[2], x.nbits[3], x.nbits[4]}));
  }
  Json hw = Json::array();
  for (const HwRow& x : r.hw_rows) {
    hw.push_back(Json::array({x.dataset, static_cast<int>(x.kind), x.image, x.layer, x.format, x.values, x.zero_values,
                              x.cycles.encoder_ncycles, x.cycles.decoder_ncycles, x.cycles.rtl_hang ? 1 : 0}));
  }
  // One key per line, rows one per line: diffable, and small next to the maps.
  std::string s = "{\n";
  s += fmt::format("\"schema\": {},\n\"shard\": {},\n\"shards\": {},\n", Json(k_shard_schema).dump(), r.shard_index,
                   r.shard_count);
  s += "\"options\": " + options_json(r.config, r.hw).dump() + ",\n";
  s += "\"datasets\": " + datasets_json(r.datasets).dump() + ",\n";
  s += "\"units\": " + units.dump() + ",\n";
  const auto list = [&](const char* key, const Json& a, bool last) {
    s += fmt::format("\"{}\": [", key);
    for (std::size_t i = 0; i < a.size(); ++i) {
      s += (i == 0 ? "\n" : ",\n") + a[i].dump();
    }
    s += last ? "]\n" : "],\n";
  };
  list("rows", rows, false);
  list("quirk_rows", quirks, false);
  list("hw_rows", hw, true);
  return s + "}\n";
}

Outcome<ShardResults> read_shard_file(const std::string& path) {
  const auto text = read_text_file(path);
  if (!text) {
    return bad(path, "cannot read the shard file (a regular file of at most 256 MiB)", Error::io);
  }
  return parse_shard_text(path, *text);
}

Outcome<ShardResults> parse_shard_text(const std::string& path, const std::string& text) {
  try {
    Json j;
    try {
      j = Json::parse(text);
    } catch (const Json::parse_error& e) {
      return bad(path, fmt::format("malformed shard file (not valid JSON, byte {})", e.byte));
    }
    auto r = parse_shard(path, j);
    if (r) {
      sort_rows(*r);
    }
    return r;
  } catch (const Json::exception& e) {
    return bad(path, std::string("malformed shard file (") + e.what() + ")");
  }
}

Outcome<ShardResults> merge_shards(const std::vector<std::string>& paths) {
  if (paths.empty()) {
    return tl::unexpected(Failure{Error::bad_parameter, "no shard files given"});
  }
  std::vector<ShardResults> shards;
  for (const std::string& p : paths) {
    auto r = read_shard_file(p);
    if (!r) {
      return tl::unexpected(r.error());
    }
    shards.push_back(std::move(*r));
  }
  const ShardResults& first = shards[0];
  const Json first_options = options_json(first.config, first.hw);
  const Json first_datasets = datasets_json(first.datasets);
  std::map<unsigned, std::size_t> by_index;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const ShardResults& s = shards[i];
    const std::string pair = paths[0] + " and " + paths[i];
    if (s.shard_count != first.shard_count) {
      return bad(pair,
                 fmt::format("shards of different splits ({}/{} and {}/{})", first.shard_index, first.shard_count,
                             s.shard_index, s.shard_count),
                 Error::bad_parameter);
    }
    const Json options = options_json(s.config, s.hw);
    for (const char* key : {"formats", "codecs", "quirks", "hw"}) {
      if (options[key] != first_options[key]) {
        return bad(pair,
                   fmt::format("shards run with different options ({}: {} and {})", key, first_options[key].dump(),
                               options[key].dump()),
                   Error::bad_parameter);
      }
    }
    if (datasets_json(s.datasets) != first_datasets) {
      return bad(pair, "shards of different datasets (directories or manifests differ)", Error::bad_parameter);
    }
    const auto [it, fresh] = by_index.emplace(s.shard_index, i);
    if (!fresh) {
      return tl::unexpected(
          Failure{Error::bad_parameter, fmt::format("{} and {}: both are shard {}/{} (overlapping shards)",
                                                    paths[it->second], paths[i], s.shard_index, s.shard_count)});
    }
  }
  std::string missing;
  for (unsigned k = 0; k < first.shard_count; ++k) {
    if (by_index.count(k) == 0) {
      missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, first.shard_count);
    }
  }
  if (!missing.empty()) {
    return tl::unexpected(Failure{Error::bad_parameter, fmt::format("missing shard(s) {} ({} of {} given)", missing,
                                                                    shards.size(), first.shard_count)});
  }
  ShardResults m;
  m.shard_index = 0;
  m.shard_count = 1;
  m.datasets = first.datasets;
  m.config = first.config;
  m.hw = first.hw;
  m.units = eval_units(m.datasets);
  for (ShardResults& s : shards) {
    m.rows.insert(m.rows.end(), s.rows.begin(), s.rows.end());
    m.quirk_rows.insert(m.quirk_rows.end(), s.quirk_rows.begin(), s.quirk_rows.end());
    m.hw_rows.insert(m.hw_rows.end(), s.hw_rows.begin(), s.hw_rows.end());
  }
  // The report sums subsets of these: totals that fit in 64 bits keep every sum exact.
  std::uint64_t totals[6] = {};
  bool wraps = false;
  const auto add = [&](std::uint64_t& acc, std::uint64_t x) { wraps |= __builtin_add_overflow(acc, x, &acc); };
  for (const ResultRow& x : m.rows) {
    add(totals[0], x.values);
    add(totals[1], x.uncompressed_nbits);
    add(totals[2], x.compressed_nbits);
  }
  for (const QuirkRow& x : m.quirk_rows) {
    for (const std::uint64_t nbits : x.nbits) {
      add(totals[3], nbits);
    }
  }
  for (const HwRow& x : m.hw_rows) {
    add(totals[4], x.cycles.encoder_ncycles);
    add(totals[5], x.cycles.decoder_ncycles);
  }
  if (wraps) {
    return tl::unexpected(Failure{Error::corrupt, "the shards' sums do not fit in 64 bits (not the rows of a run)"});
  }
  sort_rows(m);
  return m;
}

}  // namespace ebpc::eval
