// The study's plots: gnuplot data files and one script (PNG and SVG twins), and running
// gnuplot on it.
#include <ebpc/eval_report.hpp>
#include <ebpc/file.hpp>

#include <fmt/core.h>

#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <map>

#include "eval/report_aggregate.hpp"
#include "eval/report_escape.hpp"

extern char** environ;

namespace ebpc::eval {

using namespace detail;

namespace {

// One box of a box plot: x, then min, quartiles, median and max of the sorted values.
std::string box_row(double x, const std::vector<double>& v) {
  return fmt::format("{:.4f}\t{:.4f}\t{:.4f}\t{:.4f}\t{:.4f}\t{:.4f}\n", x, v.front(), quantile(v, 0.25),
                     quantile(v, 0.5), quantile(v, 0.75), v.back());
}

// gnuplot xtics: one per format, at 0, 1, ...
std::string format_xtics(const Tables& t) {
  std::string xtics;
  for (std::size_t f = 0; f < t.nformats(); ++f) {
    xtics += fmt::format("{}{} {}", f == 0 ? "" : ", ", gp_string(t.format_name(f)), f);
  }
  return xtics;
}

// "set xtics (...)" with the layers that have rows, at 0, 1, ... in that order (the data
// files hold numbers only; every label enters the script through gp_string).
std::string layer_xtics(const std::vector<std::string>& names) {
  std::string s = "set xtics (";
  for (std::size_t i = 0; i < names.size(); ++i) {
    s += fmt::format("{}{} {}", i == 0 ? "" : ", ", gp_string(names[i]), i);
  }
  return s + ")\n";
}

// A file name part: letters, digits, '-', '_' and '.' kept, anything else '_'.
std::string file_part(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '_' || ch == '.';
    out += ok ? ch : '_';
  }
  return out;
}

// Fixed colours per codec name, so that every plot uses the same ones.
std::string codec_colour(const std::string& name) {
  if (name == "ebpc") {
    return "#c0392b";
  }
  if (name == "zvc") {
    return "#2e86c1";
  }
  if (name == "zrle") {
    return "#85c1e9";
  }
  if (name == "bpc") {
    return "#1e8449";
  }
  if (name.rfind("zstd", 0) == 0) {
    return "#7d3c98";
  }
  if (name == "lz4") {
    return "#b7950b";
  }
  return "#7f8c8d";
}

// Runs gnuplot on dir/script_name in dir (so that the script names no directory and is the
// same wherever the outputs go, e.g. a single run and a merge of shards): unsupported when
// gnuplot is missing, io when it fails.
Outcome<void> run_gnuplot(const std::string& dir, const std::string& script_name) {
  const std::string script = dir + "/" + script_name;
  pid_t pid = 0;
  std::string arg0 = "gnuplot";
  std::string arg1 = script_name;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) {
    return tl::unexpected(Failure{Error::io, "cannot start gnuplot on " + script});
  }
  const bool spawned = posix_spawn_file_actions_addchdir_np(&actions, dir.c_str()) == 0 &&
                       posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  if (!spawned) {
    return tl::unexpected(
        Failure{Error::unsupported, "gnuplot not found (apt-get install gnuplot-nox): plots not drawn, script in " + script});
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return tl::unexpected(Failure{Error::io, "gnuplot failed on " + script});
  }
  return {};
}

}  // namespace

PlotFiles plot_files(const ReportInput& in) {
  const Tables t(in);
  PlotFiles out;
  std::map<std::string, std::string> files;  // data file name -> contents
  std::string& gp = out.script;
  gp = "set datafile separator " + gp_string("\t") + "\nset termoption noenhanced\n";
  const std::string font = gp_string("DejaVu Sans,10");
  // Each plot is drawn twice: PNG, then the same plot as SVG.
  auto emit = [&](const std::string& stem, const std::string& size, const std::string& body) {
    gp += fmt::format("reset\nset datafile separator {}\n"
                      "set terminal pngcairo size {} font {} noenhanced\nset output {}\n{}"
                      "set terminal svg size {} dynamic font {} noenhanced\nset output {}\nreplot\n"
                      "unset output\n",
                      gp_string("\t"), size, font, gp_string(stem + ".png"), body, size, font,
                      gp_string(stem + ".svg"));
    out.stems.push_back(stem);
  };
  const auto colour = [](const std::string& codec) { return gp_string(codec_colour(codec)); };
  for (std::size_t d = 0; d < in.datasets.size(); ++d) {
    const Dataset& ds = in.datasets[d];
    const std::string net = file_part(ds.network);
    for (const MapKind kind : t.kinds(d)) {
      const std::string kn(kind_name(kind));
      // Per-layer grouped bars, codecs side by side (the paper's per-layer figures).
      for (std::size_t f = 0; f < t.nformats(); ++f) {
        const std::string stem = fmt::format("layers_{}_{}_{}", net, kn, t.format_name(f));
        std::string data = "# layer index";
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          data += "\t" + t.codec_name(c);
        }
        data += "\n";
        std::vector<std::string> names;
        for (std::size_t l = 0; l < ds.layers.size(); ++l) {
          if (t.get(d, kind, f, 0, k_all, l) == nullptr) {
            continue;
          }
          names.push_back(ds.layers[l].name);
          data += std::to_string(ds.layers[l].index);
          for (std::size_t c = 0; c < t.ncodecs(); ++c) {
            data += fmt::format("\t{:.4f}", t.get(d, kind, f, c, k_all, l)->ratio());
          }
          data += "\n";
        }
        files[stem + ".tsv"] = data;
        std::string body = fmt::format(
            "set title {}\n"
            "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.9 border -1\n"
            "set boxwidth 0.9\nset ylabel {}\nset yrange [0:*]\nset grid ytics\n{}"
            "set xtics rotate by -55 left font {} nomirror\nset key outside top center horizontal reverse Left\nset bmargin 11\n"
            "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb {}\nplot ",
            gp_string(fmt::format("{} {}s, {}: compression ratio per layer (summed over {})", ds.network, kn,
                                  t.format_name(f), images_text(t.nimages(d, kind)))),
            gp_string("compression ratio"), layer_xtics(names), gp_string(",8"), gp_string("#555555"));
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          body += fmt::format("{}{} using {} title {} lc rgb {}", c == 0 ? "" : ", ", gp_string(stem + ".tsv"), c + 2,
                              gp_string(t.codec_name(c)), colour(t.codec_name(c)));
        }
        emit(stem, "1500,650", body + "\n");
      }
      // Per-image totals as box plots: x = format, one box per codec.
      {
        const std::string stem = fmt::format("images_{}_{}", net, kn);
        std::string data;
        const double width = 0.8 / static_cast<double>(t.ncodecs());
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          data += fmt::format("# {}\n", t.codec_name(c));
          for (std::size_t f = 0; f < t.nformats(); ++f) {
            const std::vector<double> v = t.image_ratios(d, kind, f, c);
            const double x = static_cast<double>(f) - 0.4 + width * (static_cast<double>(c) + 0.5);
            data += box_row(x, v);
          }
          data += "\n\n";
        }
        files[stem + ".tsv"] = data;
        std::string body = fmt::format(
            "set title {}\n"
            "set ylabel {}\nset grid ytics\nset offsets 0, 0, 0.3, 0.1\n"
            "set xrange [-0.6:{}]\nset xtics ({})\nset key top left horizontal reverse Left\nset boxwidth {:.4f} absolute\n"
            "set style fill solid 0.35 border\nplot ",
            gp_string(fmt::format("{} {}s: total ratio per image ({}; box = quartiles, whiskers = min/max, bar = median)",
                                  ds.network, kn, images_text(t.nimages(d, kind)))),
            gp_string("compression ratio (per image, all layers)"), static_cast<double>(t.nformats()) - 0.4,
            format_xtics(t), width * 0.85);
        for (std::size_t c = 0; c < t.ncodecs(); ++c) {
          body += fmt::format("{}{} index {} using 1:3:2:6:5 with candlesticks whiskerbars lc rgb {} title {}, "
                              "{} index {} using 1:4:4:4:4 with candlesticks lc rgb {} lw 3 notitle",
                              c == 0 ? "" : ", ", gp_string(stem + ".tsv"), c, colour(t.codec_name(c)),
                              gp_string(t.codec_name(c)), gp_string(""), c, colour(t.codec_name(c)));
        }
        emit(stem, "1200,600", body + "\n");
      }
      // Sparsity per layer, one line per format.
      {
        const std::string stem = fmt::format("sparsity_{}_{}", net, kn);
        std::string data = "# layer index";
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          data += "\t" + t.format_name(f);
        }
        data += "\n";
        std::vector<std::string> names;
        for (std::size_t l = 0; l < ds.layers.size(); ++l) {
          if (t.get(d, kind, 0, 0, k_all, l) == nullptr) {
            continue;
          }
          names.push_back(ds.layers[l].name);
          data += std::to_string(ds.layers[l].index);
          for (std::size_t f = 0; f < t.nformats(); ++f) {
            data += fmt::format("\t{:.5f}", 100.0 * t.get(d, kind, f, 0, k_all, l)->sparsity());
          }
          data += "\n";
        }
        files[stem + ".tsv"] = data;
        std::string body = fmt::format(
            "set title {}\nset ylabel {}\nset yrange [0:100]\n"
            "set grid ytics\n{}set xtics rotate by -55 left font {} nomirror\nset bmargin 11\n"
            "set key outside right top vertical reverse Left\nset xrange [-0.5:{}]\nplot ",
            gp_string(fmt::format("{} {}s: zero words per layer (all images)", ds.network, kn)),
            gp_string("zero values (%)"), layer_xtics(names), gp_string(",8"),
            static_cast<double>(names.size()) - 0.5);
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          body += fmt::format("{}{} using 0:{} with linespoints pt 7 ps 0.6 lw 1.5 title {}", f == 0 ? "" : ", ",
                              gp_string(stem + ".tsv"), f + 2, gp_string(t.format_name(f)));
        }
        emit(stem, "1500,600", body + "\n");
      }
    }
  }
  // Several networks: per-image EBPC totals side by side, x = format, one box per network.
  const std::size_t ebpc = t.find(CodecId::ebpc);
  if (in.datasets.size() > 1 && ebpc != k_all) {
    for (const MapKind kind : {MapKind::activation, MapKind::gradient}) {
      std::vector<std::size_t> nets;
      for (std::size_t d = 0; d < in.datasets.size(); ++d) {
        if (t.has_kind(d, kind)) {
          nets.push_back(d);
        }
      }
      if (nets.empty()) {
        continue;
      }
      const std::string kn(kind_name(kind));
      const std::string stem = "networks_" + kn;
      const double width = 0.8 / static_cast<double>(nets.size());
      std::string data;
      for (std::size_t n = 0; n < nets.size(); ++n) {
        data += fmt::format("# network {}\n", n);
        for (std::size_t f = 0; f < t.nformats(); ++f) {
          const std::vector<double> v = t.image_ratios(nets[n], kind, f, ebpc);
          const double x = static_cast<double>(f) - 0.4 + width * (static_cast<double>(n) + 0.5);
          data += box_row(x, v);
        }
        data += "\n\n";
      }
      files[stem + ".tsv"] = data;
      std::string body = fmt::format(
          "set title {}\n"
          "set ylabel {}\nset grid ytics\nset offsets 0, 0, 0.3, 0.1\n"
          "set xrange [-0.6:{}]\nset xtics ({})\nset key top left horizontal reverse Left\nset boxwidth {:.4f} absolute\n"
          "set style fill solid 0.35 border\nplot ",
          gp_string(fmt::format("EBPC, {}s: total ratio per image, one box per network (box = quartiles, "
                                "whiskers = min/max, bar = median)",
                                kn)),
          gp_string("compression ratio (per image, all layers)"), static_cast<double>(t.nformats()) - 0.4,
          format_xtics(t), width * 0.85);
      for (std::size_t n = 0; n < nets.size(); ++n) {
        body += fmt::format("{}{} index {} using 1:3:2:6:5 with candlesticks whiskerbars lc {} title {}, "
                            "{} index {} using 1:4:4:4:4 with candlesticks lc {} lw 3 notitle",
                            n == 0 ? "" : ", ", gp_string(stem + ".tsv"), n, n + 1,
                            gp_string(in.datasets[nets[n]].network), gp_string(""), n, n + 1);
      }
      emit(stem, "1200,600", body + "\n");
    }
  }
  out.data.assign(files.begin(), files.end());
  return out;
}

Outcome<std::vector<std::string>> write_plots(const ReportInput& in, const std::string& plots_dir) {
  const PlotFiles p = plot_files(in);
  std::error_code ec;
  std::filesystem::create_directories(plots_dir, ec);
  if (ec) {
    return tl::unexpected(Failure{Error::io, plots_dir + ": cannot create the directory"});
  }
  // Each data file and the script go to a temporary file renamed into place (AtomicFile):
  // a full disk leaves no truncated file behind (the PNG/SVG files are gnuplot's own).
  const auto write_whole = [](const std::string& path, const std::string& text) -> Outcome<void> {
    AtomicFile out;
    if (!out.open(path, true) ||
        !out.write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) || !out.commit()) {
      return tl::unexpected(Failure{Error::io, path + ": cannot write"});
    }
    return {};
  };
  for (const auto& [name, contents] : p.data) {
    if (auto r = write_whole(plots_dir + "/" + name, contents); !r) {
      return tl::unexpected(r.error());
    }
  }
  const std::string script = plots_dir + "/plots.gp";
  if (auto r = write_whole(script, p.script); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = run_gnuplot(plots_dir, "plots.gp"); !r) {
    return tl::unexpected(r.error());
  }
  std::vector<std::string> pngs;
  for (const std::string& stem : p.stems) {
    pngs.push_back(plots_dir + "/" + stem + ".png");
  }
  return pngs;
}

}  // namespace ebpc::eval
