#include <ebpc/eval.hpp>
#include <ebpc/measure.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "eval/paper_quirks.hpp"
#include <ebpc/npy.hpp>

namespace ebpc::eval {

namespace {

// One unit of work: all images of one layer and kind of one dataset (the fixed-point
// scale is the max over all of them, so they are quantised together).
struct Unit {
  std::size_t dataset = 0;
  MapKind kind = MapKind::activation;
  std::size_t layer = 0;
  std::vector<const DatasetFile*> files;  // image order
  std::uint64_t values = 0;
};

std::string two_digits(unsigned i) { return fmt::format("{:02d}", i); }

// A name from a manifest as one path component: '/' and a leading '.' become '_'.
std::string path_part(const std::string& name) {
  std::string s = name;
  for (char& ch : s) {
    ch = ch == '/' || ch == '\\' ? '_' : ch;
  }
  if (!s.empty() && s[0] == '.') {
    s[0] = '_';
  }
  return s;
}

// Quantises and measures one unit; rows are appended to out. The per-format loop is where
// further per-layer measurements (e.g. a hardware cycle model's throughput for a `--hw`
// flag) would go: they see the same quantised words as the codecs.
// The quirk model's sizes of one fixed8 / fixed16 map (int8 / int16 elements).
QuirkRow quirk_sizes(std::span<const std::uint8_t> elems, const FormatInfo& info, const EvalConfig& config) {
  const unsigned w = info.word_nbits;
  const std::size_t n = w == 8 ? elems.size() : elems.size() / 2;
  std::vector<std::uint32_t> words(n);
  for (std::size_t i = 0; i < n; ++i) {
    words[i] = w == 8 ? elems[i] : static_cast<std::uint32_t>(elems[2 * i] | (elems[2 * i + 1] << 8));
  }
  unsigned b = 8;
  unsigned z = 16;
  for (const CodecParams& c : config.codecs) {
    if (c.id == CodecId::ebpc) {
      b = c.block_nwords;
      z = c.max_zero_run_nwords;
    }
  }
  QuirkRow r;
  r.uncompressed_nbits = std::uint64_t{n} * w;
  const PaperQuirks variants[5] = {{false, false, false}, {true, false, false}, {false, true, false},
                                   {false, false, true}, {true, true, true}};
  for (std::size_t k = 0; k < 5; ++k) {
    r.nbits[k] = ebpc_quirk_nbits(words, w, b, z, variants[k]);
  }
  return r;
}

Outcome<void> evaluate_unit(const Unit& u, std::span<const Dataset> datasets, const EvalConfig& config,
                                              std::vector<ResultRow>& out, std::vector<QuirkRow>& quirk_out,
                                              std::vector<HwRow>& hw_out) {
  const Dataset& d = datasets[u.dataset];
  std::vector<LayerValues> maps;
  maps.reserve(u.files.size());
  float layer_max = 0.0f;
  bool any_nonfinite = false;
  std::string nonfinite_what;
  for (const DatasetFile* f : u.files) {
    auto v = read_map(*f);
    if (!v) {
      return tl::unexpected(v.error());
    }
    std::size_t bad = 0;
    layer_max = std::max(layer_max, max_abs(*v, &bad));
    if (bad != v->size() && !any_nonfinite) {
      any_nonfinite = true;
      nonfinite_what = fmt::format("{}: non-finite value at flat index {}", f->path, bad);
    }
    maps.push_back(std::move(*v));
  }
  std::vector<std::uint8_t> elems;
  std::vector<std::uint8_t> scratch;
  for (std::size_t fi = 0; fi < config.formats.size(); ++fi) {
    const FormatInfo& info = format_info(config.formats[fi]);
    if (info.is_fixed && any_nonfinite) {
      return tl::unexpected(Failure{Error::bad_parameter, nonfinite_what + " (" + std::string(info.name) + " needs finite values)"});
    }
    for (std::size_t m = 0; m < maps.size(); ++m) {
      const DatasetFile& f = *u.files[m];
      quantise(maps[m], info.id, layer_max, elems);
      if (!config.dump_dir.empty()) {
        const std::string path = dump_path(config.dump_dir, d, u.kind, f.image, f.layer, info.id);
        // Several workers may create the same directory at once: only its absence is an error.
        std::error_code ec;
        const std::filesystem::path parent = std::filesystem::path(path).parent_path();
        std::filesystem::create_directories(parent, ec);
        NpyHeader h;
        h.dtype = info.storage;
        h.shape = f.shape;
        if (!std::filesystem::is_directory(parent, ec) || !write_npy(path, h, elems)) {
          return tl::unexpected(Failure{Error::io, path + ": cannot write the quantised map"});
        }
      }
      if (config.quirks && (info.id == NumberFormat::fixed8 || info.id == NumberFormat::fixed16)) {
        QuirkRow q = quirk_sizes(elems, info, config);
        q.dataset = u.dataset;
        q.kind = u.kind;
        q.image = f.image;
        q.layer = f.layer;
        q.format = fi;
        quirk_out.push_back(q);
      }
      if (config.hw_sim && (info.word_nbits == 8 || info.word_nbits == 16)) {
        // Quantised values always fit their format's W bits.
        const auto words = elements_to_word_vector(elems, info.storage, info.word_nbits).value_or(
            std::vector<std::uint32_t>{});
        auto cycles = config.hw_sim(words, info.word_nbits);
        if (!cycles) {
          return tl::unexpected(Failure{cycles.error().code, f.path + " (" + std::string(info.name) + ", hardware model): " + cycles.error().message});
        }
        HwRow h;
        h.dataset = u.dataset;
        h.kind = u.kind;
        h.image = f.image;
        h.layer = f.layer;
        h.format = fi;
        h.values = words.size();
        h.zero_values = static_cast<std::uint64_t>(std::count(words.begin(), words.end(), 0u));
        h.cycles = *cycles;
        hw_out.push_back(h);
      }
      auto sizes = measure_array(elems, info.storage, info.word_nbits, config.codecs, scratch, f.shape);
      if (!sizes) {
        return tl::unexpected(Failure{sizes.error().code, f.path + " (" + std::string(info.name) + "): " + sizes.error().message});
      }
      for (std::size_t c = 0; c < config.codecs.size(); ++c) {
        ResultRow r;
        r.dataset = u.dataset;
        r.kind = u.kind;
        r.image = f.image;
        r.layer = f.layer;
        r.format = fi;
        r.codec = c;
        r.values = sizes->values;
        r.zero_values = sizes->zero_values;
        r.uncompressed_nbits = sizes->uncompressed_nbits;
        r.compressed_nbits = sizes->compressed_nbits[c];
        out.push_back(r);
      }
    }
  }
  return {};
}

// The maps of one unit, in image order.
Unit make_unit(std::span<const Dataset> datasets, const UnitKey& k) {
  const Dataset& d = datasets[k.dataset];
  Unit u;
  u.dataset = k.dataset;
  u.kind = k.kind;
  u.layer = k.layer;
  for (std::size_t im = 0; im < d.images.size(); ++im) {
    for (const DatasetFile& f : d.files) {
      if (f.kind == k.kind && f.layer == k.layer && f.image == im) {
        u.files.push_back(&f);
        std::uint64_t n = 1;
        for (const std::uint64_t s : f.shape) {
          n *= s;
        }
        u.values += n;
      }
    }
  }
  return u;
}

}  // namespace

std::vector<UnitKey> eval_units(std::span<const Dataset> datasets) {
  std::vector<UnitKey> units;
  for (std::size_t di = 0; di < datasets.size(); ++di) {
    const Dataset& d = datasets[di];
    for (const MapKind kind : {MapKind::activation, MapKind::gradient}) {
      for (std::size_t li = 0; li < d.layers.size(); ++li) {
        const bool any = std::any_of(d.files.begin(), d.files.end(),
                                     [&](const DatasetFile& f) { return f.kind == kind && f.layer == li; });
        if (any) {
          units.push_back(UnitKey{di, kind, li});
        }
      }
    }
  }
  return units;
}

std::vector<UnitKey> shard_units(std::span<const Dataset> datasets, unsigned index, unsigned count) {
  std::vector<UnitKey> all = eval_units(datasets);
  std::vector<UnitKey> mine;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (count != 0 && k % count == index) {
      mine.push_back(all[k]);
    }
  }
  return mine;
}

Outcome<ArraySizes> measure_array(std::span<const std::uint8_t> elems, DType dtype,
                                                    unsigned word_nbits, std::span<const CodecParams> codecs,
                                                    std::vector<std::uint8_t>& scratch,
                                                    std::span<const std::uint64_t> shape) {
  std::vector<CodecParams> shaped(codecs.begin(), codecs.end());
  for (CodecParams& p : shaped) {
    set_array_geometry(p, shape, false);
  }
  auto m = measure(elems, dtype, word_nbits, shaped, &scratch);
  if (!m) {
    return tl::unexpected(m.error());
  }
  ArraySizes s;
  s.values = m->values;
  s.zero_values = m->zero_values;
  s.uncompressed_nbits = m->uncompressed_nbits;
  for (const CodecMeasurement& c : m->codecs) {
    s.compressed_nbits.push_back(c.size.exact_nbits);
  }
  return s;
}

std::string dump_path(const std::string& dump_dir, const Dataset& d, MapKind kind, std::size_t image,
                      std::size_t layer, NumberFormat format) {
  const DatasetLayer& l = d.layers[layer];
  return fmt::format("{}/{}/{}/{}/{}/{}_{}.npy", dump_dir, path_part(d.network), kind_name(kind),
                     format_info(format).name, path_part(d.images[image]), two_digits(l.index), path_part(l.name));
}

Outcome<std::vector<ResultRow>> run_eval(std::span<const Dataset> datasets, const EvalConfig& config,
                                                           std::vector<QuirkRow>* quirk_rows,
                                                           std::vector<HwRow>* hw_rows) {
  if (config.shard_count == 0 || config.shard_index >= config.shard_count) {
    return tl::unexpected(Failure{Error::bad_parameter, fmt::format("shard {}/{}: needs 0 <= index < count",
                                                                    config.shard_index, config.shard_count)});
  }
  std::vector<Unit> units;
  for (const UnitKey& k : shard_units(datasets, config.shard_index, config.shard_count)) {
    units.push_back(make_unit(datasets, k));
  }
  // Largest units first, so that the last ones to finish are short (load balance).
  std::vector<std::size_t> order(units.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return units[a].values > units[b].values; });

  std::vector<std::vector<ResultRow>> unit_rows(units.size());
  std::vector<std::vector<QuirkRow>> unit_quirks(units.size());
  std::vector<std::vector<HwRow>> unit_hw(units.size());
  std::vector<std::optional<Failure>> unit_errors(units.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  std::size_t done = 0;
  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= order.size() || failed.load()) {
        return;
      }
      const Unit& u = units[order[k]];
      auto r = evaluate_unit(u, datasets, config, unit_rows[order[k]], unit_quirks[order[k]], unit_hw[order[k]]);
      if (!r) {
        unit_errors[order[k]] = r.error();
        failed.store(true);
        return;
      }
      if (config.progress) {
        const std::lock_guard lock(progress_mutex);
        ++done;
        const Dataset& d = datasets[u.dataset];
        config.progress(done, units.size(),
                        fmt::format("{} {} {}", d.network, kind_name(u.kind), d.layers[u.layer].name));
      }
    }
  };
  const unsigned nthreads = std::max(1u, std::min<unsigned>(config.threads, static_cast<unsigned>(units.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < nthreads; ++t) {
    threads.emplace_back(worker);
  }
  worker();
  for (std::thread& t : threads) {
    t.join();
  }
  for (const std::optional<Failure>& e : unit_errors) {
    if (e) {
      return tl::unexpected(*e);
    }
  }
  std::vector<ResultRow> rows;
  for (std::vector<ResultRow>& ur : unit_rows) {
    rows.insert(rows.end(), ur.begin(), ur.end());
  }
  std::sort(rows.begin(), rows.end(), [](const ResultRow& a, const ResultRow& b) {
    return std::tie(a.dataset, a.kind, a.image, a.layer, a.format, a.codec) <
           std::tie(b.dataset, b.kind, b.image, b.layer, b.format, b.codec);
  });
  if (quirk_rows != nullptr) {
    quirk_rows->clear();
    for (std::vector<QuirkRow>& uq : unit_quirks) {
      quirk_rows->insert(quirk_rows->end(), uq.begin(), uq.end());
    }
    std::sort(quirk_rows->begin(), quirk_rows->end(), [](const QuirkRow& a, const QuirkRow& b) {
      return std::tie(a.dataset, a.kind, a.image, a.layer, a.format) <
             std::tie(b.dataset, b.kind, b.image, b.layer, b.format);
    });
  }
  if (hw_rows != nullptr) {
    hw_rows->clear();
    for (std::vector<HwRow>& uh : unit_hw) {
      hw_rows->insert(hw_rows->end(), uh.begin(), uh.end());
    }
    std::sort(hw_rows->begin(), hw_rows->end(), [](const HwRow& a, const HwRow& b) {
      return std::tie(a.dataset, a.kind, a.image, a.layer, a.format) <
             std::tie(b.dataset, b.kind, b.image, b.layer, b.format);
    });
  }
  return rows;
}

}  // namespace ebpc::eval
