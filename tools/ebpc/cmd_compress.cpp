// ebpc compress / decompress / info: .npy (or raw) <-> .ebpc through the library's
// streaming container (include/ebpc/stream.hpp), so memory is bounded by the chunk size
// whatever the file size. This file only turns options into calls and errors into lines.
#include <fmt/core.h>
#include <sys/stat.h>

#include <memory>
#include <sstream>

#include <ebpc/file.hpp>
#include <ebpc/stream.hpp>

#include "commands.hpp"
#include "progress.hpp"

namespace ebpc::cli {

namespace {

// The chunk buffers' memory budget (StreamOptions::memory_budget_nbytes): fewer threads
// when a file's chunks need more, a one-line error when one chunk alone does not fit.
constexpr std::uint64_t k_default_memory_mib = 1024;
constexpr const char* k_memory_help =
    "memory budget of the chunk buffers in MiB (fewer threads, or an error, when the chunks need more)";

struct CompressOptions {
  std::string input;
  std::string output;
  bool force = false;
  std::string codec = "ebpc";
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  unsigned lanes = k_default_lanes;
  unsigned width = 0;
  std::string dtype;
  std::string shape;
  std::uint32_t chunk_nwords = k_default_chunk_nwords;
  unsigned threads = 0;  // 0 = all cores
  std::uint64_t memory_mib = k_default_memory_mib;
  bool quiet = false;
};

struct DecompressOptions {
  std::string input;
  std::string output;
  bool force = false;
  unsigned threads = 0;
  std::uint64_t memory_mib = k_default_memory_mib;
  bool quiet = false;
};

std::vector<std::uint64_t> parse_shape(const std::string& text) {
  std::vector<std::uint64_t> shape;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 18) {
      fail("--shape: expected comma-separated sizes like 32,112,112, got '" + text + "'");
    }
    shape.push_back(std::stoull(item));
  }
  if (shape.empty() || shape.size() > k_max_ndim) {
    fail("--shape: expected 1 to 32 sizes");
  }
  return shape;
}

// The output for input (its permission bits carry over, as zstd does); never the input itself.
void open_output(AtomicFile& out, const std::string& path, bool force, const std::string& input) {
  if (path != "-" && input != "-" && same_file(path, input)) {
    fail(path + ": is the input file (refusing to overwrite it)");
  }
  if (path != "-" && !force && file_exists(path)) {
    fail(path + ": already exists (use -f to overwrite)");
  }
  struct stat st {};
  const unsigned mode = input != "-" && ::stat(input.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? (st.st_mode & 0777) : 0644;
  if (auto r = out.open(path, force, mode); !r) {
    fail(r.error().message);
  }
}

void write_or_fail(AtomicFile& out, std::span<const std::uint8_t> bytes, const std::string& path) {
  if (auto r = out.write(bytes); !r) {
    fail(path + ": write error");
  }
}

std::unique_ptr<InputFile> open_input(const std::string& path) {
  auto in = InputFile::open(path);
  if (!in) {
    fail(in.error().message);
  }
  return std::move(*in);
}

StreamOptions stream_options(unsigned threads, std::uint64_t memory_mib) {
  StreamOptions so;
  so.threads = threads;  // 0 = one per core
  so.memory_budget_nbytes = memory_mib << 20;
  return so;
}

ByteSink file_sink(AtomicFile& out, const std::string& path) {
  return [&out, path](std::span<const std::uint8_t> bytes) -> Result<void> {
    if (auto r = out.write(bytes); !r) {
      fail(path + ": write error");
    }
    return {};
  };
}

void run_compress(const CompressOptions& o) {
  auto in = open_input(o.input);
  DType dtype{};
  std::vector<std::uint64_t> shape;
  bool fortran = false;
  if (!o.dtype.empty() || !o.shape.empty()) {
    if (o.dtype.empty() || o.shape.empty()) {
      fail("raw input needs both --dtype and --shape");
    }
    const DTypeInfo* info = dtype_from_name(o.dtype);
    if (info == nullptr) {
      fail("--dtype: unknown type '" + o.dtype + "'");
    }
    dtype = info->id;
    shape = parse_shape(o.shape);
  } else {
    auto nh = read_npy_header(in->source());
    if (!nh) {
      if (nh.error().code == Error::unsupported) {
        fail(in->name() + ": unsupported .npy dtype (ebpc codes int8, uint8, int16, uint16, float16, int32, uint32, "
                          "float32, little-endian)");
      }
      if (nh.error().code == Error::truncated) {
        fail(in->name() + ": " + nh.error().message);
      }
      fail(in->name() + ": " + nh.error().message + " (use --dtype and --shape for raw data)");
    }
    dtype = nh->dtype;
    shape = nh->shape;
    fortran = nh->fortran_order;
  }
  ArrayOptions ao;
  ao.codec = o.codec;
  ao.word_nbits = o.width;
  ao.block_nwords = o.block_nwords;
  ao.max_zero_run_nwords = o.max_zero_run_nwords;
  ao.chunk_nwords = o.chunk_nwords;
  ao.lanes = o.lanes;
  auto hh = make_container_header(dtype, shape, fortran, ao);
  if (!hh) {
    fail(hh.error().code == Error::limit_exceeded ? in->name() + ": " + hh.error().message : hh.error().message);
  }
  const ContainerHeader& h = *hh;

  std::string out_path = o.output;
  if (out_path.empty()) {
    out_path = o.input == "-" ? "-" : o.input + ".ebpc";
  }
  AtomicFile out;
  open_output(out, out_path, o.force, o.input);
  auto w = ContainerWriter::create(h, file_sink(out, out_path), stream_options(o.threads, o.memory_mib));
  if (!w) {
    fail(out_path + ": " + w.error().message);
  }
  cli::Progress progress("compress", h.nwords * h.codec.elem_nbytes, o.quiet);
  ByteSource source = in->source();
  if (progress.enabled()) {
    source = [inner = std::move(source), &progress](std::span<std::uint8_t> buf) -> Result<std::size_t> {
      auto r = inner(buf);
      if (r) {
        progress.add(*r);
      }
      return r;
    };
  }
  if (auto r = (*w)->write_from(source); !r) {
    fail(in->name() + ": " + r.error().message);
  }
  if (auto r = (*w)->finish(); !r) {
    fail(in->name() + ": " + r.error().message);
  }
  auto end = in->at_end();
  if (!end) {
    fail(in->name() + ": read error");
  }
  if (!*end) {
    fail(in->name() + ": trailing data after the array");
  }
  progress.finish();
  if (auto r = out.commit(); !r) {
    fail(out_path + ": cannot write output file");
  }
}

std::unique_ptr<ContainerReader> open_reader(InputFile& in, unsigned threads, std::uint64_t memory_mib) {
  StreamOptions so = stream_options(threads, memory_mib);
  so.interrupt_source = [&in] { in.interrupt(); };
  auto r = ContainerReader::open(in.source(), so);
  if (!r) {
    fail(in.name() + ": " + r.error().message);
  }
  return std::move(*r);
}

// Streams every decoded chunk of the container to sink, in order, and checks that
// nothing follows the last chunk.
template <class Sink>
void for_each_decoded_chunk(InputFile& in, ContainerReader& reader, Sink&& sink) {
  while (true) {
    auto c = reader.next_chunk();
    if (!c) {
      fail(in.name() + ": " + c.error().message);
    }
    if (c->empty()) {
      return;
    }
    sink(*c);
  }
}

void run_decompress(const DecompressOptions& o) {
  std::string out_path = o.output;
  if (out_path.empty()) {
    if (o.input == "-") {
      out_path = "-";
    } else if (ends_with(o.input, ".ebpc")) {
      out_path = o.input.substr(0, o.input.size() - 5);
      if (!ends_with(out_path, ".npy")) {
        out_path += ".npy";
      }
    } else {
      fail(o.input + ": unknown suffix (expected .ebpc); give the output with -o");
    }
  }
  auto in = open_input(o.input);
  auto reader = open_reader(*in, o.threads, o.memory_mib);
  const ContainerHeader& h = reader->header();
  AtomicFile out;
  open_output(out, out_path, o.force, o.input);
  write_or_fail(out, make_npy_header(h.dtype, h.shape, h.fortran_order), out_path);
  cli::Progress progress("decompress", h.nwords * h.codec.elem_nbytes, o.quiet);
  for_each_decoded_chunk(*in, *reader, [&](std::span<const std::uint8_t> elems) {
    write_or_fail(out, elems, out_path);
    progress.add(elems.size());
  });
  progress.finish();
  if (auto r = out.commit(); !r) {
    fail(out_path + ": cannot write output file");
  }
}

void run_info(const std::string& path, bool verify, std::uint64_t memory_mib) {
  auto in = open_input(path);
  auto reader = open_reader(*in, 0, memory_mib);
  const ContainerHeader& h = reader->header();
  std::string shape;
  for (std::size_t i = 0; i < h.shape.size(); ++i) {
    shape += (i != 0 ? "x" : "") + std::to_string(h.shape[i]);
  }
  if (verify) {
    for_each_decoded_chunk(*in, *reader, [](std::span<const std::uint8_t>) {});
  } else if (auto r = reader->scan(); !r) {
    fail(in->name() + ": " + r.error().message);
  }
  const std::uint64_t compressed = reader->totals().container_nbytes;
  const std::uint64_t payload_total = reader->totals().payload_nbytes;
  const std::uint64_t original = h.nwords * h.codec.elem_nbytes;
  fmt::print("file:        {}\n", path);
  fmt::print("format:      .ebpc version {}\n", h.version);
  fmt::print("codec:       {}", codec_spec(h.codec));
  if (h.codec.id == CodecId::ebpc) {
    fmt::print(" (W={} B={} Z={} L={})", h.codec.word_nbits, h.codec.block_nwords, h.codec.max_zero_run_nwords,
               h.codec.lanes);
  } else if (h.codec.id == CodecId::bpc) {
    fmt::print(" (W={} B={})", h.codec.word_nbits, h.codec.block_nwords);
  } else if (find_codec(h.codec.id)->is_word_codec) {
    fmt::print(" (W={})", h.codec.word_nbits);
  }
  fmt::print("\n");
  fmt::print("dtype:       {}\n", dtype_info(h.dtype)->name);
  fmt::print("shape:       {}{}\n", shape.empty() ? "()" : shape, h.fortran_order ? " (Fortran order)" : "");
  fmt::print("words:       {}\n", h.nwords);
  fmt::print("chunks:      {} of up to {} words\n", h.nchunks(), h.chunk_nwords);
  fmt::print("original:    {} bytes\n", original);
  fmt::print("compressed:  {} bytes ({} payload)\n", compressed, payload_total);
  fmt::print("ratio:       {:.3f}\n", compressed == 0 ? 0.0 : static_cast<double>(original) / static_cast<double>(compressed));
  if (verify) {
    fmt::print("verified:    all chunks decode and match their checksums{}\n",
               h.version < 2 ? " (version 1: the checksums do not bind chunks to their place, so their order is not "
                               "checked; recompress to get version 3)"
               : h.version < 3 ? ", each bound to its place (version 2: a chunk from another file with the same header "
                                 "is not detected; recompress to get version 3)"
                               : ", each bound to its place in this file, and the trailer matches");
  }
}

}  // namespace

void register_compress(CLI::App& app) {
  auto opts = std::make_shared<CompressOptions>();
  auto* c = app.add_subcommand("compress", "Compress a .npy array (or raw data) into an .ebpc file");
  c->add_option("input", opts->input, "input .npy file, or raw data with --dtype and --shape ('-' = stdin)")->required();
  c->add_option("-o,--output", opts->output, "output file ('-' = stdout; default: INPUT.ebpc)");
  c->add_flag("-f,--force", opts->force, "overwrite an existing output file");
  c->add_option("--codec", opts->codec, std::string(k_codec_list))
      ->capture_default_str();
  c->add_option("--block", opts->block_nwords, "EBPC/BPC block size B (2, 4, 8, 16, 32)")->capture_default_str();
  c->add_option("--max-zero-run", opts->max_zero_run_nwords, "EBPC zero-run limit Z (power of two, 2..256)")
      ->capture_default_str();
  c->add_option("--lanes", opts->lanes, "EBPC lanes per chunk L (1..32; 1 = the hardware's two streams as they are)")
      ->capture_default_str();
  c->add_option("--width", opts->width, "word width W in bits (default: the dtype's width)");
  c->add_option("--dtype", opts->dtype, "raw input element type (int8, uint8, int16, uint16, float16, bfloat16, "
                                        "int32, uint32, float32)");
  c->add_option("--shape", opts->shape, "raw input shape, e.g. 32,112,112");
  c->add_option("--chunk-words", opts->chunk_nwords, "words per independent chunk")->capture_default_str();
  c->add_option("--threads", opts->threads,
                "coding threads (default: all cores; one more thread reads); the output is the same for any count");
  c->add_option("--memory", opts->memory_mib, k_memory_help)->capture_default_str();
  c->add_flag("-q,--quiet", opts->quiet, "no progress on a terminal");
  c->callback([opts] { run_compress(*opts); });

  auto dopts = std::make_shared<DecompressOptions>();
  auto* d = app.add_subcommand("decompress", "Decompress an .ebpc file back into a .npy array");
  d->add_option("input", dopts->input, "input .ebpc file ('-' = stdin)")->required();
  d->add_option("-o,--output", dopts->output, "output .npy file ('-' = stdout; default: INPUT without .ebpc)");
  d->add_flag("-f,--force", dopts->force, "overwrite an existing output file");
  d->add_option("--threads", dopts->threads, "decoding threads (default: all cores; one more thread reads)");
  d->add_option("--memory", dopts->memory_mib, k_memory_help)->capture_default_str();
  d->add_flag("-q,--quiet", dopts->quiet, "no progress on a terminal");
  d->callback([dopts] { run_decompress(*dopts); });

  auto info_path = std::make_shared<std::string>();
  auto verify = std::make_shared<bool>(false);
  auto info_memory = std::make_shared<std::uint64_t>(k_default_memory_mib);
  auto* i = app.add_subcommand("info", "Show an .ebpc file's header, sizes and ratio");
  i->add_option("input", *info_path, "input .ebpc file")->required();
  i->add_flag("--verify", *verify, "also decode every chunk and check its checksum");
  i->add_option("--memory", *info_memory, k_memory_help)->capture_default_str();
  i->callback([info_path, verify, info_memory] { run_info(*info_path, *verify, *info_memory); });
}

}  // namespace ebpc::cli
