// ebpc eval as a user runs it: error messages, and its totals against `ebpc measure` on
// the quantised maps it dumps (the same codec-table path, the same exact bit counts).
#include <gtest/gtest.h>

#include "cli_test_util.hpp"
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace eval_cli_test;

namespace {

const std::string k_cli = EBPC_CLI_PATH;
// The shipped dataset (EBPC_EVAL_DATASET overrides it, e.g. for a larger one).
const std::string k_dataset = std::getenv("EBPC_EVAL_DATASET") != nullptr ? std::getenv("EBPC_EVAL_DATASET")
                                                                            : std::string(EBPC_SOURCE_DIR) + "/data/mobilenet_v2";
const std::string k_codecs = "ebpc,zvc,zrle,bpc,zstd,lz4";

TEST(EvalCli, MissingManifest) {
  TempDir t;
  expect_one_line_error(run(k_cli + " eval '" + t.path().string() + "' --out '" + (t.path() / "o").string() + "'", t.path()),
                        "manifest.json");
  EXPECT_FALSE(fs::exists(t.path() / "o"));
}

TEST(EvalCli, BadManifests) {
  TempDir t;
  const fs::path d = t.path() / "ds";
  fs::create_directories(d);
  const std::string cmd = k_cli + " eval '" + d.string() + "' -q --no-plots --out '" + (t.path() / "o").string() + "'";
  write_text(d / "manifest.json", "{\"format\": \"ebpc-dataset-1\", ");
  expect_one_line_error(run(cmd, t.path()), "not valid JSON");
  write_text(d / "manifest.json", "{\"format\": \"something-else\"}");
  expect_one_line_error(run(cmd, t.path()), "ebpc-dataset-1");
  const std::string head = R"({"format": "ebpc-dataset-1", "network": "n", "layout": "CHW", "dtype": "float32",
    "images": [{"name": "a"}], "layers": [{"name": "l", "index": 0, "shape": [2, 3]}], "files": [)";
  write_text(d / "manifest.json", head + R"({"kind": "activation", "image": "b", "layer": "l", "path": "x.npy"}]})");
  expect_one_line_error(run(cmd, t.path()), "unknown image 'b'");
  write_text(d / "manifest.json", head + R"({"kind": "weights", "image": "a", "layer": "l", "path": "x.npy"}]})");
  expect_one_line_error(run(cmd, t.path()), "unknown file kind");
  write_text(d / "manifest.json", head + R"({"kind": "activation", "image": "a", "layer": "l", "path": "x.npy"}]})");
  expect_one_line_error(run(cmd, t.path()), "x.npy: cannot read file");
  // A real .npy with another shape than the manifest says (2 x 3 float32).
  const std::string hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  std::string dict = hdr + std::string(64 - (10 + hdr.size() + 1) % 64, ' ') + "\n";
  npy += static_cast<char>(dict.size() & 0xff);
  npy += static_cast<char>(dict.size() >> 8);
  npy += dict + std::string(24, '\0');
  write_text(d / "x.npy", npy);
  expect_one_line_error(run(cmd, t.path()), "differs from the manifest");
  // Integer maps are refused (quantisation is part of the study).
  std::string npy_int = npy;
  npy_int.replace(npy_int.find("<f4"), 3, "<i4");
  write_text(d / "x.npy", npy_int);
  expect_one_line_error(run(cmd, t.path()), "float16 or float32");
  // A NaN in a map: fixed formats refuse it, float formats code it.
  npy.replace(npy.find("(3, 2)"), 6, "(2, 3)");
  npy.replace(npy.size() - 4, 4, std::string("\x00\x00\xc0\x7f", 4));
  write_text(d / "x.npy", npy);
  expect_one_line_error(run(cmd, t.path()), "non-finite value at flat index 5");
  const CmdResult ok = run(k_cli + " eval '" + d.string() + "' -q --no-plots --formats float16,float32 --out '" +
                         (t.path() / "o").string() + "'",
                     t.path());
  EXPECT_EQ(ok.rc, 0) << ok.err;
}

TEST(EvalCli, BadOptions) {
  TempDir t;
  const std::string base = k_cli + " eval '" + t.path().string() + "' --out '" + (t.path() / "o").string() + "'";
  expect_one_line_error(run(base + " --formats fixed8,fixed9", t.path()), "unknown format 'fixed9'");
  expect_one_line_error(run(base + " --formats fixed8,fixed8", t.path()), "given twice");
  expect_one_line_error(run(base + " --codecs ebpc,gzip", t.path()), "unknown codec 'gzip'");
  expect_one_line_error(run(base + " --block 3", t.path()), "invalid parameters");
  EXPECT_FALSE(fs::exists(t.path() / "o"));
}

// A small dataset made of some real maps of the shipped one (all images, both kinds),
// copied in (a dataset's paths stay inside it unless --allow-outside-paths is given).
fs::path subset_dataset(const fs::path& dir, const std::set<std::string>& layers) {
  std::ifstream in(k_dataset + "/manifest.json");
  nlohmann::json m = nlohmann::json::parse(in);
  nlohmann::json files = nlohmann::json::array();
  for (nlohmann::json f : m["files"]) {
    if (layers.count(f["layer"].get<std::string>()) != 0) {
      const std::string rel = f["path"];
      fs::create_directories((dir / rel).parent_path());
      fs::copy_file(fs::path(k_dataset) / rel, dir / rel, fs::copy_options::overwrite_existing);
      files.push_back(f);
    }
  }
  m["files"] = files;
  fs::create_directories(dir);
  write_text(dir / "manifest.json", m.dump(1));
  return dir;
}

std::string fmt_row(const std::string& network, const std::string& kind, const std::string& format,
                    const std::string& layer) {
  return "| " + network + " | " + kind + " | " + format + " | " + layer + " |";
}

struct Key {
  std::string kind, image, layer, format, codec;
  auto operator<=>(const Key&) const = default;
};

TEST(EvalCli, TotalsEqualMeasureOnDumpedMaps) {
  if (!fs::exists(k_dataset + "/manifest.json")) {
    GTEST_SKIP() << k_dataset << " not present";
  }
  TempDir t;
  std::ifstream in(k_dataset + "/manifest.json");
  const nlohmann::json m = nlohmann::json::parse(in);
  const auto& layers = m["layers"];
  ASSERT_GE(layers.size(), 4u);
  // A middle layer and the last three (MobileNetV2: out_relu and the two dense ones):
  // small maps, so that the test stays quick under the sanitizers.
  const std::set<std::string> pick = {layers[layers.size() / 2]["name"], layers[layers.size() - 3]["name"],
                                      layers[layers.size() - 2]["name"], layers[layers.size() - 1]["name"]};
  const fs::path ds = subset_dataset(t.path() / "ds", pick);
  const fs::path q = t.path() / "q";
  const CmdResult e = run(k_cli + " eval '" + ds.string() + "' -q --no-plots --threads 2 --codecs " + k_codecs +
                        " --out '" + (t.path() / "o").string() + "' --dump-quantised '" + q.string() + "'",
                    t.path());
  ASSERT_EQ(e.rc, 0) << e.err;
  // results.csv rows.
  std::map<Key, std::vector<std::uint64_t>> rows;
  std::istringstream csv(read_file(t.path() / "o" / "results.csv"));
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(line, "network,kind,image,layer_index,layer,format,codec,values,zero_values,uncompressed_bits,compressed_bits");
  const std::string network = m["network"];
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::istringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) {
      c.push_back(cell);
    }
    ASSERT_EQ(c.size(), 11u) << line;
    EXPECT_EQ(c[0], network);
    rows[Key{c[1], c[2], c[4], c[5], c[6]}] = {std::stoull(c[7]), std::stoull(c[8]), std::stoull(c[9]),
                                               std::stoull(c[10])};
  }
  // Maps per kind in the subset (the shipped dataset has gradients of one photo only).
  std::map<std::string, std::size_t> maps_of_kind;
  std::size_t nmaps = 0;
  for (const auto& f : m["files"]) {
    if (pick.count(f["layer"].get<std::string>()) != 0) {
      ++maps_of_kind[f["kind"].get<std::string>()];
      ++nmaps;
    }
  }
  const std::vector<std::string> formats = {"fixed8", "fixed12", "fixed16", "float16", "bfloat16", "float32"};
  const std::size_t ncodecs = 6;
  EXPECT_EQ(rows.size(), nmaps * formats.size() * ncodecs);
  std::size_t compared = 0;
  for (const auto& [kind, kind_nmaps] : maps_of_kind) {
    for (const std::string& format : formats) {
      // ebpc measure on every dumped map of this kind and format, in one call.
      std::string files;
      std::size_t nfiles = 0;
      for (const auto& entry : fs::recursive_directory_iterator(q / network / kind / format)) {
        if (entry.is_regular_file()) {
          files += " '" + entry.path().string() + "'";
          ++nfiles;
        }
      }
      ASSERT_EQ(nfiles, kind_nmaps);
      const CmdResult r = run(k_cli + " measure --json --codecs " + k_codecs + (format == "fixed12" ? " --width 12" : "") + files,
                        t.path());
      ASSERT_EQ(r.rc, 0) << r.err;
      const nlohmann::json j = nlohmann::json::parse(r.out);
      std::vector<std::uint64_t> eval_total(ncodecs, 0);
      for (const auto& f : j["files"]) {
        // .../q/NETWORK/KIND/FORMAT/IMAGE/NN_LAYER.npy
        const fs::path p = f["file"].get<std::string>();
        const std::string image = p.parent_path().filename().string();
        std::string layer = p.stem().string();
        layer = layer.substr(layer.find('_') + 1);
        ASSERT_EQ(f["codecs"].size(), ncodecs);
        for (const auto& c : f["codecs"]) {
          const auto it = rows.find(Key{kind, image, layer, format, c["codec"].get<std::string>()});
          ASSERT_NE(it, rows.end()) << p << " " << c["codec"];
          EXPECT_EQ(it->second[0], c["values"].get<std::uint64_t>()) << p;
          EXPECT_EQ(it->second[2], c["uncompressed_bits"].get<std::uint64_t>()) << p;
          EXPECT_EQ(it->second[3], c["compressed_bits"].get<std::uint64_t>()) << p << " " << c["codec"];
          const double zf = static_cast<double>(it->second[1]) / static_cast<double>(it->second[0]);
          EXPECT_DOUBLE_EQ(zf, c["zero_fraction"].get<double>()) << p;
          ++compared;
        }
      }
      // measure's totals = the sums of eval's rows for this kind and format.
      for (const auto& [k, v] : rows) {
        if (k.kind == kind && k.format == format) {
          for (std::size_t c = 0; c < ncodecs; ++c) {
            if (j["total"][c]["codec"] == k.codec) {
              eval_total[c] += v[3];
            }
          }
        }
      }
      for (std::size_t c = 0; c < ncodecs; ++c) {
        EXPECT_EQ(eval_total[c], j["total"][c]["compressed_bits"].get<std::uint64_t>())
            << kind << " " << format << " " << j["total"][c]["codec"];
      }
    }
  }
  EXPECT_EQ(compared, rows.size());
}

}  // namespace

// ebpc eval --hw: the per-layer words/cycle of the hardware model equal `ebpc hw sim` on the
// same quantised map.
TEST(EvalCli, HardwareThroughputMatchesHwSim) {
  if (!fs::exists(k_dataset + "/manifest.json")) {
    GTEST_SKIP() << k_dataset << " not present";
  }
  TempDir t;
  std::ifstream in(k_dataset + "/manifest.json");
  const nlohmann::json m = nlohmann::json::parse(in);
  const auto& layers = m["layers"];
  const std::string layer = layers[layers.size() - 3]["name"];  // out_relu in MobileNetV2: small
  const fs::path ds = subset_dataset(t.path() / "ds", {layer});
  const fs::path q = t.path() / "q";
  const CmdResult e = run(k_cli + " eval '" + ds.string() + "' -q --no-plots --hw --formats fixed8,fixed16 --codecs ebpc"
                              " --out '" + (t.path() / "o").string() + "' --dump-quantised '" + q.string() + "'",
                          t.path());
  if (e.rc != 0 && e.err.find("no hardware model") != std::string::npos) {
    GTEST_SKIP() << "built without src/hw";
  }
  ASSERT_EQ(e.rc, 0) << e.err;
  const std::string summary = read_file(t.path() / "o" / "summary.md");
  ASSERT_NE(summary.find("## Hardware throughput"), std::string::npos);
  const std::string network = m["network"];
  for (const std::string format : {"fixed8", "fixed16"}) {
    // The gradient maps: one photo, so the per-layer row is one map.
    fs::path map;
    for (const auto& entry : fs::recursive_directory_iterator(q / network / "gradient" / format)) {
      map = entry.path();
    }
    ASSERT_FALSE(map.empty());
    const CmdResult sim = run(k_cli + " hw sim --width " + std::string(format == "fixed8" ? "8" : "16") + " '" +
                                  map.string() + "'",
                              t.path());
    ASSERT_EQ(sim.rc, 0) << sim.err;
    // "encoder: N cycles" and "decoder: N cycles" of the file, and its word count.
    const auto number_after = [](const std::string& s, const std::string& key) {
      const auto p = s.find(key);
      return p == std::string::npos ? 0ull : std::stoull(s.substr(p + key.size()));
    };
    const auto words = number_after(sim.out, ".npy: ");
    const auto enc = number_after(sim.out, "encoder: ");
    const auto dec = number_after(sim.out, "decoder: ");
    ASSERT_GT(words, 0u);
    ASSERT_GT(enc, 0u);
    ASSERT_GT(dec, 0u);
    const std::string row = fmt_row(network, "gradient", format, layer);
    const auto p = summary.find(row);
    ASSERT_NE(p, std::string::npos) << row;
    const std::string line = summary.substr(p, summary.find('\n', p) - p);
    char enc_text[32];
    char dec_text[32];
    std::snprintf(enc_text, sizeof enc_text, "%.4f", static_cast<double>(words) / static_cast<double>(enc));
    std::snprintf(dec_text, sizeof dec_text, "%.4f", static_cast<double>(words) / static_cast<double>(dec));
    EXPECT_NE(line.find(std::string("| ") + enc_text + " | " + dec_text + " |"), std::string::npos)
        << line << " vs hw sim " << enc_text << " " << dec_text;
  }
}

// Scale-out: shards of a run merge into the outputs of the single run, byte for byte.
namespace {

// A second network made of other real maps of the shipped dataset, under another name.
fs::path renamed_subset(const fs::path& dir, const std::set<std::string>& layers, const std::string& network) {
  const fs::path d = subset_dataset(dir, layers);
  std::ifstream in(d / "manifest.json");
  nlohmann::json m = nlohmann::json::parse(in);
  in.close();
  m["network"] = network;
  write_text(d / "manifest.json", m.dump(1));
  return d;
}

// Everything before the last line ("Wrote OUT/...", which names the output directory).
std::string without_last_line(const std::string& s) {
  const auto p = s.rfind('\n', s.size() >= 2 ? s.size() - 2 : 0);
  return p == std::string::npos ? std::string() : s.substr(0, p + 1);
}

std::vector<std::string> layer_names() {
  std::ifstream in(k_dataset + "/manifest.json");
  const nlohmann::json m = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& l : m["layers"]) {
    names.push_back(l["name"]);
  }
  return names;
}

}  // namespace

TEST(EvalShards, MergeEqualsSingleRun) {
  if (!fs::exists(k_dataset + "/manifest.json")) {
    GTEST_SKIP() << k_dataset << " not present";
  }
  TempDir t;
  const std::vector<std::string> names = layer_names();
  ASSERT_GE(names.size(), 6u);
  const std::size_t n = names.size();
  // Small maps (MobileNetV2: the last block, out_relu and the dense layers): 9 units.
  const fs::path a = subset_dataset(t.path() / "a", {names[n / 2], names[n - 3], names[n - 2], names[n - 1]});
  const fs::path b = renamed_subset(t.path() / "b", {names[n - 4], names[n - 5]}, "mobilenet_v2_subset");
  // Four formats: fixed8 and fixed16 (quirk rows), fixed12 (12-bit words), float16 (hw rows at W = 16).
  std::string opts = " --formats fixed8,fixed12,fixed16,float16 --quirks --hw --threads 2 --no-plots";
  const std::string data = " '" + a.string() + "' '" + b.string() + "'";
  CmdResult single = run(k_cli + " eval" + data + opts + " --out '" + (t.path() / "single").string() + "'", t.path());
  if (single.rc != 0 && single.err.find("no hardware model") != std::string::npos) {
    opts = " --formats fixed8,fixed12,fixed16,float16 --quirks --threads 2 --no-plots";
    single = run(k_cli + " eval" + data + opts + " --out '" + (t.path() / "single").string() + "'", t.path());
  }
  ASSERT_EQ(single.rc, 0) << single.err;
  EXPECT_NE(single.out.find("## Networks next to the paper"), std::string::npos);
  EXPECT_NE(single.out.find("| mobilenet_v2_subset | MobileNetV2 (a MobileNetV2 variant) | 2.2 |"), std::string::npos)
      << single.out;
  for (const unsigned nshards : {2u, 3u}) {
    // Three shards in directories of their own, two in one directory.
    std::string dirs;
    for (unsigned i = 0; i < nshards; ++i) {
      const fs::path out = t.path() / ("s" + std::to_string(nshards)) / (nshards == 3 ? std::to_string(i) : "all");
      const CmdResult s = run(k_cli + " eval" + data + opts + " --shard " + std::to_string(i) + "/" +
                                  std::to_string(nshards) + " --out '" + out.string() + "'",
                              t.path());
      ASSERT_EQ(s.rc, 0) << s.err;
      EXPECT_TRUE(fs::exists(out / ("shard-" + std::to_string(i) + "-of-" + std::to_string(nshards) + ".json")));
      EXPECT_FALSE(fs::exists(out / "results.csv"));
      if (nshards == 3 || i == 0) {
        dirs += " '" + out.string() + "'";
      }
    }
    const fs::path merged = t.path() / ("merged" + std::to_string(nshards));
    const CmdResult m = run(k_cli + " eval merge" + dirs + " --no-plots --out '" + merged.string() + "'", t.path());
    ASSERT_EQ(m.rc, 0) << m.err;
    EXPECT_EQ(read_file(merged / "results.csv"), read_file(t.path() / "single" / "results.csv")) << nshards;
    EXPECT_EQ(read_file(merged / "summary.md"), read_file(t.path() / "single" / "summary.md")) << nshards;
    EXPECT_EQ(without_last_line(m.out), without_last_line(single.out)) << nshards;
  }
}

TEST(EvalShards, BadShardsAndMerges) {
  if (!fs::exists(k_dataset + "/manifest.json")) {
    GTEST_SKIP() << k_dataset << " not present";
  }
  TempDir t;
  const std::vector<std::string> names = layer_names();
  const std::size_t n = names.size();
  const fs::path a = subset_dataset(t.path() / "a", {names[n - 3], names[n - 2], names[n - 1]});
  const std::string plain = k_cli + " eval '" + a.string() + "' -q --formats fixed8,float16 --codecs ebpc,zvc";
  const std::string base = plain + " --no-plots";
  const auto shard = [&](const std::string& spec, const std::string& dir, const std::string& extra = "") {
    const CmdResult r = run(base + extra + " --shard " + spec + " --out '" + (t.path() / dir).string() + "'", t.path());
    EXPECT_EQ(r.rc, 0) << spec << " " << r.err;
  };
  shard("0/3", "s0");
  shard("1/3", "s1");
  shard("2/3", "s2");
  const fs::path out = t.path() / "out";
  const auto merge_fails = [&](const std::string& inputs, const std::string& contains) {
    expect_one_line_error(run(k_cli + " eval merge " + inputs + " --out '" + out.string() + "'", t.path()), contains);
    EXPECT_FALSE(fs::exists(out)) << inputs;
  };
  const std::string s0 = "'" + (t.path() / "s0").string() + "'";
  const std::string s1 = "'" + (t.path() / "s1").string() + "'";
  const std::string s2 = "'" + (t.path() / "s2").string() + "'";
  const fs::path f0 = t.path() / "s0" / "shard-0-of-3.json";
  // Bad --shard specs.
  for (const std::string spec : {"3/3", "0/0", "1", "a/b", "1/-2", "0/3x"}) {
    expect_one_line_error(run(base + " --shard " + spec + " --out '" + out.string() + "'", t.path()), "--shard");
    EXPECT_FALSE(fs::exists(out)) << spec;
  }
  // Missing and overlapping shards.
  merge_fails(s0 + " " + s1, "missing shard(s) 2/3");
  fs::create_directories(t.path() / "copy");
  fs::copy_file(f0, t.path() / "copy" / "shard-0-of-3.json");
  merge_fails(s0 + " " + s1 + " " + s2 + " '" + (t.path() / "copy").string() + "'", "both are shard 0/3");
  // Mixed options or splits.
  shard("2/3", "codecs", " --block 16");
  merge_fails(s0 + " " + s1 + " '" + (t.path() / "codecs").string() + "'", "different options (codecs");
  shard("2/3", "quirks", " --quirks");
  merge_fails(s0 + " " + s1 + " '" + (t.path() / "quirks").string() + "'", "different options (quirks");
  shard("1/2", "two");
  merge_fails(s0 + " '" + (t.path() / "two").string() + "'", "different splits");
  // Malformed files.
  fs::create_directories(t.path() / "bad");
  const fs::path bad = t.path() / "bad" / "shard-0-of-3.json";
  const std::string good = read_file(f0);
  const std::string rest = s1 + " " + s2 + " '" + bad.string() + "'";
  write_text(bad, good.substr(0, good.size() / 2));
  merge_fails(rest, "not valid JSON");
  write_text(bad, "{\"schema\": \"ebpc-measure-1\"}");
  merge_fails(rest, "not an ebpc eval shard file");
  nlohmann::json j = nlohmann::json::parse(good);
  ASSERT_FALSE(j["rows"].empty());
  nlohmann::json k = j;
  k["rows"].erase(k["rows"].begin());
  write_text(bad, k.dump());
  merge_fails(rest, std::to_string(j["rows"].size()) + " expected");
  k = j;
  k["rows"][0][4] = 7;  // a format index out of range
  write_text(bad, k.dump());
  merge_fails(rest, "out of range");
  k = j;
  k["rows"].push_back(j["rows"][0]);
  write_text(bad, k.dump());
  merge_fails(rest, "repeated");
  k = j;
  k["units"].erase(k["units"].begin());
  write_text(bad, k.dump());
  merge_fails(rest, "units are not those of shard 0/3");
  k = j;
  k["rows"][0][9] = "12";
  write_text(bad, k.dump());
  merge_fails(rest, "malformed shard file");
  fs::create_directories(t.path() / "empty");
  merge_fails("'" + (t.path() / "empty").string() + "'", "no shard files");
  merge_fails("'" + (t.path() / "nothing.json").string() + "'", "cannot read the shard file");
  // And the three good ones merge, in any order, plots too: every plot file (data, script,
  // PNG, SVG) is that of the single run.
  const CmdResult ok = run(k_cli + " eval merge -q " + s2 + " " + s0 + " " + s1 + " --out '" + out.string() + "'", t.path());
  ASSERT_EQ(ok.rc, 0) << ok.err;
  const fs::path single = t.path() / "single";
  const CmdResult one = run(plain + " --out '" + single.string() + "'", t.path());
  ASSERT_EQ(one.rc, 0) << one.err;
  EXPECT_EQ(read_file(out / "results.csv"), read_file(single / "results.csv"));
  EXPECT_EQ(read_file(out / "summary.md"), read_file(single / "summary.md"));
  std::size_t nplots = 0;
  if (fs::exists(single / "plots")) {
    for (const auto& entry : fs::directory_iterator(single / "plots")) {
      EXPECT_EQ(read_file(entry.path()), read_file(out / "plots" / entry.path().filename())) << entry.path();
      ++nplots;
    }
  }
  EXPECT_TRUE(nplots > 0 || one.err.find("gnuplot not found") != std::string::npos) << one.err;
}
