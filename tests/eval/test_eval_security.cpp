// ebpc eval on datasets and shard files that someone else made: no name runs a
// command through gnuplot, paths stay inside the dataset, only regular files are read,
// files must agree with their manifest, and CSV / Markdown outputs parse back to the same
// names. Also the merge's checks of shard rows.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cctype>
#include <cstring>
#include <limits>
#include <filesystem>
#include <string>
#include <vector>

#include "../../fuzz/gnuplot_script_check.hpp"
#include "cli_test_util.hpp"

namespace fs = std::filesystem;
using namespace eval_cli_test;
using Json = nlohmann::json;

namespace {

const std::string k_cli = EBPC_CLI_PATH;

// A float32 (descr "<f4") or float16 ("<f2") .npy of shape (2, 3) with the given bytes.
std::string npy_2x3(const std::string& descr, const std::string& data) {
  const std::string hdr = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2, 3), }";
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  const std::string dict = hdr + std::string(64 - (10 + hdr.size() + 1) % 64, ' ') + "\n";
  npy += static_cast<char>(dict.size() & 0xff);
  npy += static_cast<char>(dict.size() >> 8);
  return npy + dict + data;
}

std::string f32_bytes(const std::vector<float>& v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

// Two zeros of six: zero fraction 0.333333.
const std::vector<float> k_values = {0.0f, 1.5f, 2.0f, 0.0f, 3.25f, 4.0f};

// A dataset of one image and two layers of real .npy files (float32, 2 x 3).
Json small_manifest(const std::string& network, const std::string& image, const std::string& layer0) {
  Json m = {{"format", "ebpc-dataset-1"}, {"network", network}, {"layout", "CHW"}, {"dtype", "float32"},
            {"images", Json::array({Json{{"name", image}}})},
            {"layers", Json::array({Json{{"name", layer0}, {"index", 0}, {"shape", {2, 3}}},
                                    Json{{"name", "second"}, {"index", 1}, {"shape", {2, 3}}}})}};
  m["files"] = Json::array();
  for (const std::string& l : {layer0, std::string("second")}) {
    m["files"].push_back(Json{{"kind", "activation"}, {"image", image}, {"layer", l},
                              {"path", std::string(l == "second" ? "b" : "a") + ".npy"}});
  }
  return m;
}

// small_manifest with one field ("network", "image" or "layer") set to value, the others
// plain ("n", "im", "first").
Json manifest_naming(const std::string& field, const std::string& value) {
  return small_manifest(field == "network" ? value : "n", field == "image" ? value : "im",
                        field == "layer" ? value : "first");
}

fs::path write_dataset(const fs::path& dir, const Json& m) {
  fs::create_directories(dir);
  write_text(dir / "a.npy", npy_2x3("<f4", f32_bytes(k_values)));
  write_text(dir / "b.npy", npy_2x3("<f4", f32_bytes(k_values)));
  write_text(dir / "manifest.json", m.dump(1));
  return dir;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Payloads that would run `touch MARK` if a name reached gnuplot as script text. MARK is
// replaced by the marker file's path.
std::vector<std::string> payloads() {
  return {"x'; system 'touch MARK'; set title '",
          "x\"; system \"touch MARK\"; set title \"",
          "x`touch MARK`y",
          "x' . system('touch MARK') . '",
          "x\" . system(\"touch MARK\") . \"",
          "a; !touch MARK",
          "x @MACRO y $0 \\ z"};
}

std::string with_mark(std::string s, const fs::path& mark) {
  const auto p = s.find("MARK");
  if (p != std::string::npos) {
    s.replace(p, 4, mark.string());
  }
  return s;
}

// The plots of OUT: the script passes the independent check, and gnuplot drew them.
void expect_safe_plots(const fs::path& out, const CmdResult& r) {
  const std::string script = read_file(out / "plots" / "plots.gp");
  ASSERT_FALSE(script.empty()) << r.err;
  EXPECT_EQ(ebpc_fuzz::gnuplot_script_problem(script), "");
  EXPECT_TRUE(fs::exists(out / "plots" / "layers_n_activation_fixed8.png") ||
              r.err.find("gnuplot not found") != std::string::npos)
      << r.err;
}

TEST(EvalSecurity, NoNameRunsACommandThroughGnuplot) {
  TempDir t;
  const fs::path mark = t.path() / "pwned";
  int k = 0;
  for (const std::string field : {"network", "image", "layer"}) {
    for (const std::string& raw : payloads()) {
      const std::string p = with_mark(raw, mark);
      const fs::path ds = t.path() / ("ds" + std::to_string(k));
      const fs::path other = t.path() / ("other" + std::to_string(k));
      const fs::path out = t.path() / ("out" + std::to_string(k));
      ++k;
      write_dataset(ds, manifest_naming(field, p));
      // A second network, so that the plots comparing networks are drawn too.
      write_dataset(other, small_manifest(field == "network" ? "n" : "z", "im", "first"));
      const CmdResult r = run(k_cli + " eval " + q(ds) + " " + q(other) +
                                  " -q --formats fixed8,float16 --codecs ebpc,zvc --out " + q(out),
                              t.path());
      ASSERT_EQ(r.rc, 0) << field << " = " << p << ": " << r.err;
      EXPECT_FALSE(fs::exists(mark)) << field << " = " << p << " ran a command";
      fs::remove(mark);
      EXPECT_EQ(ebpc_fuzz::gnuplot_script_problem(read_file(out / "plots" / "plots.gp")), "") << p;
      if (field != "network") {
        expect_safe_plots(out, r);
      }
      EXPECT_TRUE(fs::exists(out / "plots" / "networks_activation.png") ||
                  r.err.find("gnuplot not found") != std::string::npos)
          << r.err;
    }
  }
}

TEST(EvalSecurity, ControlCharactersInNamesAreRefused) {
  TempDir t;
  const fs::path mark = t.path() / "pwned";
  const fs::path out = t.path() / "out";
  for (const std::string field : {"network", "image", "layer"}) {
    for (const std::string& raw : {std::string("x\n!touch MARK\n"), std::string("x\ry"), std::string("x\ty"),
                                   std::string("x") + '\0' + "y", std::string("x\x1b[2Jy"), std::string("x\x7fy")}) {
      const std::string p = with_mark(raw, mark);
      const fs::path ds = t.path() / "ds";
      fs::remove_all(ds);
      write_dataset(ds, manifest_naming(field, p));
      expect_one_line_error(run(k_cli + " eval " + q(ds) + " -q --formats fixed8 --out " + q(out), t.path()),
                            "control character");
      EXPECT_FALSE(fs::exists(out)) << field;
      EXPECT_FALSE(fs::exists(mark));
    }
  }
  // A name with an edge space, or longer than 256 bytes.
  for (const std::string& bad : {std::string(" lead"), std::string("trail "), std::string(257, 'a')}) {
    const fs::path ds = t.path() / "ds";
    fs::remove_all(ds);
    write_dataset(ds, small_manifest("n", "im", bad));
    expect_one_line_error(run(k_cli + " eval " + q(ds) + " -q --out " + q(out), t.path()), "layer name");
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST(EvalSecurity, ShardFilesCannotInjectIntoPlots) {
  TempDir t;
  const fs::path mark = t.path() / "pwned";
  const fs::path ds = write_dataset(t.path() / "ds", small_manifest("n", "im", "first"));
  const fs::path s = t.path() / "s";
  const CmdResult r =
      run(k_cli + " eval " + q(ds) + " -q --formats fixed8 --codecs ebpc --shard 0/1 --out " + q(s), t.path());
  ASSERT_EQ(r.rc, 0) << r.err;
  const Json good = Json::parse(read_file(s / "shard-0-of-1.json"));
  const fs::path bad = t.path() / "bad.json";
  const fs::path out = t.path() / "out";
  // Formats and codecs are names of ours, never text from the file.
  for (const char* key : {"formats", "codecs"}) {
    Json j = good;
    if (std::string(key) == "formats") {
      j["options"]["formats"][0] = with_mark("fixed8'; system 'touch MARK'; set title '", mark);
    } else {
      j["options"]["codecs"][0][0] = with_mark("ebpc'; system 'touch MARK'; set title '", mark);
    }
    write_text(bad, j.dump());
    expect_one_line_error(run(k_cli + " eval merge " + q(bad) + " --out " + q(out), t.path()), "unknown");
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(mark));
  }
  // Names inside the shard's manifests reach the plots only as data.
  for (const std::string field : {"network", "image", "layer"}) {
    for (const std::string& raw : payloads()) {
      const std::string p = with_mark(raw, mark);
      Json j = good;
      Json m = Json::parse(j["datasets"][0]["manifest"].get<std::string>());
      if (field == "network") {
        m["network"] = p;
      } else if (field == "image") {
        m["images"][0]["name"] = p;
        for (Json& f : m["files"]) {
          f["image"] = p;
        }
      } else {
        m["layers"][0]["name"] = p;
        m["files"][0]["layer"] = p;
      }
      j["datasets"][0]["manifest"] = m.dump();
      write_text(bad, j.dump());
      fs::remove_all(out);
      const CmdResult mr = run(k_cli + " eval merge -q " + q(bad) + " --out " + q(out), t.path());
      ASSERT_EQ(mr.rc, 0) << field << " = " << p << ": " << mr.err;
      EXPECT_FALSE(fs::exists(mark)) << field << " = " << p << " ran a command";
      fs::remove(mark);
      EXPECT_EQ(ebpc_fuzz::gnuplot_script_problem(read_file(out / "plots" / "plots.gp")), "") << p;
    }
  }
  // And a control character in a shard's manifest is refused there too.
  Json j = good;
  Json m = Json::parse(j["datasets"][0]["manifest"].get<std::string>());
  m["network"] = "n\nx";
  j["datasets"][0]["manifest"] = m.dump();
  write_text(bad, j.dump());
  fs::remove_all(out);
  expect_one_line_error(run(k_cli + " eval merge " + q(bad) + " --out " + q(out), t.path()), "control character");
  EXPECT_FALSE(fs::exists(out));
}

TEST(EvalSecurity, PathsStayInsideTheDataset) {
  TempDir t;
  const fs::path out = t.path() / "out";
  const fs::path outside = t.path() / "outside.npy";
  write_text(outside, npy_2x3("<f4", f32_bytes(k_values)));
  const auto with_path = [&](const std::string& path) {
    const fs::path ds = t.path() / "ds";
    Json m = small_manifest("n", "im", "first");
    m["files"][0]["path"] = path;
    fs::remove_all(ds);
    return write_dataset(ds, m);
  };
  const auto eval = [&](const fs::path& ds, const std::string& extra = "") {
    fs::remove_all(out);
    // timeout: a FIFO must be refused, never waited on.
    return run("timeout 60 " + k_cli + " eval " + q(ds) + extra + " -q --no-plots --formats fixed8 --out " + q(out),
               t.path());
  };
  const fs::path abs_ds = with_path(outside.string());
  expect_one_line_error(eval(abs_ds), "an absolute path");
  EXPECT_FALSE(fs::exists(out));
  CmdResult ok = eval(abs_ds, " --allow-outside-paths");
  EXPECT_EQ(ok.rc, 0) << ok.err;
  expect_one_line_error(eval(with_path("../outside.npy")), "'..'");
  expect_one_line_error(eval(with_path("sub/../../outside.npy")), "'..'");
  EXPECT_FALSE(fs::exists(out));
  ok = eval(with_path("../outside.npy"), " --allow-outside-paths");
  EXPECT_EQ(ok.rc, 0) << ok.err;
  // A symbolic link out of the dataset, directly or through a linked directory.
  fs::path ds = with_path("link.npy");
  fs::create_symlink(outside, ds / "link.npy");
  expect_one_line_error(eval(ds), "leads outside the dataset directory");
  EXPECT_FALSE(fs::exists(out));
  ds = with_path("dirlink/outside.npy");
  fs::create_directory_symlink(t.path(), ds / "dirlink");
  expect_one_line_error(eval(ds), "leads outside the dataset directory");
  ok = eval(ds, " --allow-outside-paths");
  EXPECT_EQ(ok.rc, 0) << ok.err;
  // A link that stays inside is fine.
  ds = with_path("inside.npy");
  fs::create_symlink("a.npy", ds / "inside.npy");
  ok = eval(ds);
  EXPECT_EQ(ok.rc, 0) << ok.err;
  // NUL and other control characters in a path.
  expect_one_line_error(eval(with_path(std::string("a.npy") + '\0' + "x")), "control character");
  expect_one_line_error(eval(with_path("a\n.npy")), "control character");
  // A FIFO in place of a map, or of the manifest: refused, not waited on.
  ds = with_path("fifo.npy");
  ASSERT_EQ(::mkfifo((ds / "fifo.npy").c_str(), 0600), 0);
  expect_one_line_error(eval(ds), "not a regular file");
  fs::remove(ds / "manifest.json");
  ASSERT_EQ(::mkfifo((ds / "manifest.json").c_str(), 0600), 0);
  expect_one_line_error(eval(ds), "cannot read the dataset manifest");
  // A directory in place of a map.
  ds = with_path("adir");
  fs::create_directory(ds / "adir");
  expect_one_line_error(eval(ds), "not a regular file");
  EXPECT_FALSE(fs::exists(out));
}

TEST(EvalSecurity, FilesMustAgreeWithTheManifest) {
  TempDir t;
  const fs::path out = t.path() / "out";
  const auto eval = [&](const fs::path& ds) {
    fs::remove_all(out);
    return run(k_cli + " eval " + q(ds) + " -q --no-plots --formats float16 --out " + q(out), t.path());
  };
  // As declared: fine.
  Json m = small_manifest("n", "im", "first");
  m["zero_canonicalisation"] = "every stored zero is +0.0";
  m["files"][0]["zero_fraction"] = 0.333333;
  m["files"][0]["dtype"] = "float32";
  const fs::path ds = write_dataset(t.path() / "ds", m);
  CmdResult ok = eval(ds);
  ASSERT_EQ(ok.rc, 0) << ok.err;
  // A dtype other than the manifest's.
  write_text(ds / "a.npy", npy_2x3("<f2", std::string(12, '\0')));
  expect_one_line_error(eval(ds), "dtype float16 differs from the manifest's float32");
  // -0.0 where the manifest says every zero is +0.0.
  std::vector<float> v = k_values;
  v[3] = -0.0f;
  write_text(ds / "a.npy", npy_2x3("<f4", f32_bytes(v)));
  expect_one_line_error(eval(ds), "-0.0 at flat index 3");
  // A zero fraction other than the manifest's.
  v[3] = 7.0f;
  write_text(ds / "a.npy", npy_2x3("<f4", f32_bytes(v)));
  expect_one_line_error(eval(ds), "zero fraction 0.166667 differs from the manifest's 0.333333");
  EXPECT_FALSE(fs::exists(out));
  // Manifest fields of the wrong kind.
  m["files"][0]["dtype"] = "int8";
  write_dataset(ds, m);
  expect_one_line_error(eval(ds), "\"dtype\"");
  m["files"][0]["dtype"] = "float32";
  m["files"][0]["zero_fraction"] = 2;
  write_dataset(ds, m);
  expect_one_line_error(eval(ds), "\"zero_fraction\"");
}

// RFC 4180 fields of one CSV record (no newline inside).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out;
  std::string f;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        f += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        f += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.push_back(f);
      f.clear();
    } else {
      f += ch;
    }
  }
  out.push_back(f);
  return out;
}

// The cells of a Markdown table row: split at pipes not escaped, then every backslash
// escape of ASCII punctuation removed (CommonMark).
std::vector<std::string> md_cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '\\' && i + 1 < line.size() && std::ispunct(static_cast<unsigned char>(line[i + 1]))) {
      cell += line[++i];
    } else if (ch == '|') {
      const auto b = cell.find_first_not_of(' ');
      const auto e = cell.find_last_not_of(' ');
      out.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
      cell.clear();
    } else {
      cell += ch;
    }
  }
  return out;
}

TEST(EvalSecurity, CsvAndMarkdownParseBackToTheNames) {
  TempDir t;
  const std::string network = "net, \"quoted\" | piped";
  const std::string image = "img|a\\b*c`d`";
  const std::vector<std::string> layers = {"_lead_ and *star* [x](y) <b> #h &amp;", "1. listed", "- dash, \"q\""};
  const fs::path out = t.path() / "out";
  for (const std::string& layer : layers) {
    const fs::path ds = t.path() / "ds";
    fs::remove_all(ds);
    fs::remove_all(out);
    write_dataset(ds, small_manifest(network, image, layer));
    const CmdResult r = run(k_cli + " eval " + q(ds) + " -q --formats fixed8 --codecs ebpc,zvc --out " + q(out), t.path());
    ASSERT_EQ(r.rc, 0) << r.err;
    // results.csv: every record has 11 fields, the names as given.
    std::istringstream csv(read_file(out / "results.csv"));
    std::string line;
    std::getline(csv, line);
    int nrows = 0;
    while (std::getline(csv, line)) {
      const std::vector<std::string> f = csv_fields(line);
      ASSERT_EQ(f.size(), 11u) << line;
      EXPECT_EQ(f[0], network);
      EXPECT_EQ(f[2], image);
      EXPECT_TRUE(f[4] == layer || f[4] == "second") << f[4];
      ++nrows;
    }
    EXPECT_EQ(nrows, 4);
    // summary.md: the per-layer table's row of layer 0 and the per-image table's rows.
    std::istringstream md(read_file(out / "summary.md"));
    int layer_rows = 0;
    int image_rows = 0;
    while (std::getline(md, line)) {
      if (line.rfind("| 0 | ", 0) == 0) {
        const std::vector<std::string> c = md_cells(line);
        ASSERT_EQ(c.size(), 6u) << line;  // #, layer, values, sparsity, ebpc, zvc
        EXPECT_EQ(c[1], layer) << line;
        ++layer_rows;
      }
      if (line.find(" | activation | fixed8 | ebpc | 1 |") != std::string::npos) {
        const std::vector<std::string> c = md_cells(line);
        ASSERT_EQ(c.size(), 8u) << line;
        EXPECT_EQ(c[0], network) << line;
        ++image_rows;
      }
    }
    EXPECT_EQ(layer_rows, 1);
    EXPECT_EQ(image_rows, 1);
  }
}

TEST(EvalSecurity, MergeRefusesContradictoryRows) {
  TempDir t;
  const fs::path ds = write_dataset(t.path() / "ds", small_manifest("n", "im", "first"));
  const fs::path s = t.path() / "s";
  const CmdResult r = run(k_cli + " eval " + q(ds) + " -q --formats fixed8,float16 --codecs ebpc,zvc --quirks --hw" +
                              " --shard 0/1 --out " + q(s),
                          t.path());
  ASSERT_EQ(r.rc, 0) << r.err;
  const Json good = Json::parse(read_file(s / "shard-0-of-1.json"));
  const fs::path bad = t.path() / "bad.json";
  const fs::path out = t.path() / "out";
  const auto fails = [&](const Json& j, const std::string& what) {
    write_text(bad, j.dump());
    expect_one_line_error(run(k_cli + " eval merge " + q(bad) + " --out " + q(out), t.path()), "contradictory");
    EXPECT_FALSE(fs::exists(out)) << what;
  };
  // rows: dataset, kind, image, layer, format, codec, values, zeros, uncompressed, compressed
  ASSERT_EQ(good["rows"][0][6], 6);
  const auto row = [&](std::size_t col, const Json& value) {
    Json j = good;
    j["rows"][0][col] = value;
    return j;
  };
  fails(row(7, 7), "zeros > values (a sparsity of 117%)");
  fails(row(6, 5), "values other than the layer's shape");
  fails(row(6, std::numeric_limits<std::uint64_t>::max()), "values 2^64-1");
  fails(row(8, std::uint64_t{1} << 63), "uncompressed bits 2^63");
  fails(row(8, 47), "uncompressed bits other than values x W");
  fails(row(9, 0), "compressed bits 0");
  fails(row(9, std::uint64_t{1} << 62), "compressed bits far beyond any codec's worst case");
  fails(row(7, 1), "zeros that differ between codecs of one map");
  // quirk rows: ..., uncompressed, five sizes; hw rows: ..., values, zeros, cycles, cycles, hang
  Json j = good;
  ASSERT_FALSE(j["quirk_rows"].empty());
  j["quirk_rows"][0][5] = std::uint64_t{1} << 63;
  fails(j, "quirk uncompressed bits 2^63");
  j = good;
  j["quirk_rows"][0][6] = 0;
  fails(j, "quirk size 0");
  j = good;
  ASSERT_FALSE(j["hw_rows"].empty());
  j["hw_rows"][0][6] = 9;
  fails(j, "hw zeros > values");
  j = good;
  j["hw_rows"][0][7] = 0;
  fails(j, "hw encoder cycles 0");
  // The good shard merges.
  write_text(bad, good.dump());
  const CmdResult ok = run(k_cli + " eval merge -q --no-plots " + q(bad) + " --out " + q(out), t.path());
  EXPECT_EQ(ok.rc, 0) << ok.err;
}

}  // namespace
