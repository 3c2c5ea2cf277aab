// ebpc bench: every codec on the same real inputs in one process (libdeflate's benchmark
// -C/-D style): ratio, encode and decode MB/s (uncompressed bytes per second), median of
// repeated runs over all inputs (never one buffer repeated), memcpy as the ceiling.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>
#include <thread>

#include <ebpc/codecs.hpp>

#include "commands.hpp"
#include <ebpc/parallel.hpp>

namespace ebpc::cli {

namespace {

struct BenchOptions {
  std::vector<std::string> files;
  std::string codecs = "ebpc,zvc,zrle,bpc,zstd-1,zstd-3,lz4,deflate,ebpcx,memcpy";
  unsigned threads = 1;
  unsigned repeat = 7;
  unsigned width = 0;
  unsigned block_nwords = 8;
  std::uint32_t chunk_nwords = 1u << 18;
  bool json = false;
};

struct Job {
  std::size_t file;
  std::size_t offset_nbytes;
  std::size_t nbytes;
};

struct Input {
  std::string path;
  std::vector<std::uint8_t> words;  // W-bit word patterns in element storage
  unsigned elem_nbytes;
  unsigned word_nbits;
  DType dtype;
  std::vector<std::uint64_t> shape;
  bool fortran_order;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

void run_bench(const BenchOptions& o) {
  std::vector<Input> inputs;
  for (const auto& path : o.files) {
    NpyArray a = load_npy(path);
    const DTypeInfo* info = dtype_info(a.header.dtype);
    const unsigned w = o.width != 0 ? o.width : info->nbytes * 8;
    (void)words_of(a, w, path);  // names a value that does not fit
    (void)elements_to_words(a.data, a.header.dtype, w);
    inputs.push_back({path, std::move(a.data), info->nbytes, w, a.header.dtype, a.header.shape, a.header.fortran_order});
  }
  for (const auto& in : inputs) {
    if (in.elem_nbytes != inputs[0].elem_nbytes || in.word_nbits != inputs[0].word_nbits) {
      fail("bench: all inputs need the same dtype width and word width");
    }
  }
  if (o.repeat == 0 || o.threads == 0 || o.chunk_nwords == 0) {
    fail("bench: --repeat, --threads and --chunk-words must be at least 1");
  }
  if (o.block_nwords < 2 || o.block_nwords > 32 || (o.block_nwords & (o.block_nwords - 1)) != 0) {
    fail("bench: --block must be 2, 4, 8, 16 or 32");
  }
  const unsigned elem = inputs.empty() ? 1 : inputs[0].elem_nbytes;
  std::vector<Job> jobs;
  std::uint64_t total_nbytes = 0;
  for (std::size_t f = 0; f < inputs.size(); ++f) {
    const std::size_t n = inputs[f].words.size();
    const std::size_t step = std::size_t{o.chunk_nwords} * elem;
    for (std::size_t off = 0; off < n; off += step) {
      jobs.push_back({f, off, std::min(step, n - off)});
    }
    total_nbytes += n;
  }

  nlohmann::json out = {{"schema", "ebpc-bench-1"},
                        {"threads", o.threads},
                        {"repeat", o.repeat},
                        {"block_nwords", o.block_nwords},
                        {"files", o.files.size()},
                        {"uncompressed_bytes", total_nbytes},
                        {"hardware_threads", std::thread::hardware_concurrency()},
                        {"isa", ebpc::simd_kernels()},
                        {"codecs", nlohmann::json::array()}};
  if (!o.json) {
    fmt::print("{} file(s), {} bytes, {} chunk(s), {} thread(s), median of {} runs, kernels: {}\n", inputs.size(),
               total_nbytes, jobs.size(), o.threads, o.repeat, ebpc::simd_kernels());
    fmt::print("  {:<9} {:>8} {:>12} {:>12}\n", "codec", "ratio", "enc MB/s", "dec MB/s");
  }

  // Every codec gets its buffers first; then each repetition runs every codec in turn, so
  // that a change in the machine's load touches all of them alike (the ratios between
  // codecs are what the numbers are for).
  struct Run {
    std::string spec;
    bool is_memcpy = false;
    CodecParams p;
    const Codec* codec = nullptr;
    std::vector<std::vector<std::uint8_t>> coded;
    std::vector<std::size_t> coded_nbytes;
    std::vector<std::size_t> stream0;
    std::vector<std::vector<std::uint8_t>> decoded;
    std::vector<double> enc_s;
    std::vector<double> dec_s;
  };
  std::vector<Run> runs;
  std::stringstream ss(o.codecs);
  std::string spec;
  while (std::getline(ss, spec, ',')) {
    Run run;
    run.spec = spec;
    run.is_memcpy = spec == "memcpy";
    if (!run.is_memcpy && !parse_codec_spec(spec, run.p)) {
      fail("--codecs: unknown codec '" + spec + "'");
    }
    run.p.elem_nbytes = elem;
    run.p.word_nbits = inputs.empty() ? 8 : inputs[0].word_nbits;
    run.p.block_nwords = o.block_nwords;  // EBPC and BPC
    if (!run.is_memcpy && !validate(run.p)) {
      fail("--codecs: " + spec + " cannot code these inputs");
    }
    run.codec = run.is_memcpy ? nullptr : find_codec(run.p.id);
    run.coded.resize(jobs.size());
    run.coded_nbytes.resize(jobs.size());
    run.stream0.resize(jobs.size());
    run.decoded.resize(jobs.size());
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      run.coded[j].resize(run.is_memcpy ? jobs[j].nbytes : run.codec->bound_nbytes(jobs[j].nbytes / elem, run.p));
      run.decoded[j].resize(jobs[j].nbytes);
    }
    runs.push_back(std::move(run));
  }

  std::atomic<bool> failed{false};
  // ebpcx codes each chunk with its array's format and geometry and its place in the array.
  const auto job_params = [&](const Run& run, const Job& job) {
    CodecParams p = run.p;
    if (p.id == CodecId::ebpcx) {
      const Input& in = inputs[job.file];
      p.word_format = word_format_of(in.dtype);
      set_array_geometry(p, in.shape, in.fortran_order);
      p.first_word_index = job.offset_nbytes / elem;
    }
    return p;
  };
  const auto encode_all = [&](Run& run) {
    parallel_for(jobs.size(), o.threads, [&](std::size_t j) {
      const Job& job = jobs[j];
      const auto src = std::span<const std::uint8_t>(inputs[job.file].words).subspan(job.offset_nbytes, job.nbytes);
      if (run.is_memcpy) {
        std::memcpy(run.coded[j].data(), src.data(), src.size());
        run.coded_nbytes[j] = src.size();
        return;
      }
      auto r = run.codec->encode(src, job_params(run, job), run.coded[j]);
      if (!r) {
        failed = true;
        return;
      }
      run.coded_nbytes[j] = r->nbytes;
      run.stream0[j] = r->stream0_nbytes;
    });
  };
  const auto decode_all = [&](Run& run) {
    parallel_for(jobs.size(), o.threads, [&](std::size_t j) {
      if (run.is_memcpy) {
        std::memcpy(run.decoded[j].data(), run.coded[j].data(), run.decoded[j].size());
        return;
      }
      if (!run.codec->decode(std::span<const std::uint8_t>(run.coded[j]).first(run.coded_nbytes[j]), run.stream0[j],
                             run.p, run.decoded[j])) {
        failed = true;
      }
    });
  };
  using Clock = std::chrono::steady_clock;
  for (unsigned r = 0; r < o.repeat; ++r) {
    for (Run& run : runs) {
      const auto t0 = Clock::now();
      encode_all(run);
      const auto t1 = Clock::now();
      decode_all(run);
      const auto t2 = Clock::now();
      run.enc_s.push_back(std::chrono::duration<double>(t1 - t0).count());
      run.dec_s.push_back(std::chrono::duration<double>(t2 - t1).count());
      if (failed) {
        fail("bench: " + run.spec + " failed to code an input");
      }
    }
  }

  for (Run& run : runs) {
    std::uint64_t coded_total = 0;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      const Job& job = jobs[j];
      if (std::memcmp(run.decoded[j].data(), inputs[job.file].words.data() + job.offset_nbytes, job.nbytes) != 0) {
        fail("bench: " + run.spec + " did not round-trip " + inputs[job.file].path);
      }
      coded_total += run.coded_nbytes[j];
    }
    const double ratio = coded_total == 0 ? 0.0 : static_cast<double>(total_nbytes) / static_cast<double>(coded_total);
    const double enc_mbs = static_cast<double>(total_nbytes) / median(run.enc_s) / 1e6;
    const double dec_mbs = static_cast<double>(total_nbytes) / median(run.dec_s) / 1e6;
    if (o.json) {
      out["codecs"].push_back({{"codec", run.spec},
                               {"compressed_bytes", coded_total},
                               {"ratio", ratio},
                               {"encode_mb_per_s", enc_mbs},
                               {"decode_mb_per_s", dec_mbs}});
    } else {
      fmt::print("  {:<9} {:>8.3f} {:>12.1f} {:>12.1f}\n", run.spec, ratio, enc_mbs, dec_mbs);
    }
  }
  if (o.json) {
    fmt::print("{}\n", out.dump(1));
  }
}

}  // namespace

void register_bench(CLI::App& app) {
  auto opts = std::make_shared<BenchOptions>();
  auto* b = app.add_subcommand("bench", "Speed and ratio of every codec on the same inputs, in one process");
  b->add_option("files", opts->files, ".npy inputs (all of one dtype)")->required();
  b->add_option("--codecs", opts->codecs, "comma-separated codecs; memcpy is the ceiling")->capture_default_str();
  b->add_option("--threads", opts->threads, "threads (chunks coded in parallel)")->capture_default_str();
  b->add_option("--repeat", opts->repeat, "runs; the median is reported")->capture_default_str();
  b->add_option("--width", opts->width, "word width W (default: the dtype's width)");
  b->add_option("--chunk-words", opts->chunk_nwords, "words per independently coded chunk")->capture_default_str();
  b->add_option("--block", opts->block_nwords, "EBPC/BPC block size B (2, 4, 8, 16, 32)")->capture_default_str();
  b->add_flag("--json", opts->json, "JSON output");
  b->callback([opts] { run_bench(*opts); });
}

}  // namespace ebpc::cli
