// ebpc compress / decompress / info: .npy (or raw) <-> .ebpc, streamed chunk by chunk so
// memory is bounded by the chunk size whatever the file size.
#include <fmt/core.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <sstream>
#include <system_error>
#include <thread>

#include "commands.hpp"
#include "common/endian.hpp"
#include "common/parallel.hpp"  // default_thread_count
#include "format/atomic_file.hpp"
#include "io.hpp"

namespace ebpc::cli {

namespace {

struct CompressOptions {
  std::string input;
  std::string output;
  bool force = false;
  std::string codec = "ebpc";
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  unsigned width = 0;
  std::string dtype;
  std::string shape;
  std::uint32_t chunk_nwords = k_default_chunk_nwords;
  unsigned threads = 0;  // 0 = all cores
};

struct DecompressOptions {
  std::string input;
  std::string output;
  bool force = false;
  unsigned threads = 0;
};

unsigned thread_count(unsigned requested) { return requested == 0 ? default_thread_count() : requested; }

// One chunk in flight. Its buffers keep their capacity from one chunk to the next, so
// nothing is allocated after the first round through the ring (encode_chunk still
// zero-fills the output's bound for every chunk: its resize, in src/format/container.cpp).
struct ChunkSlot {
  std::vector<std::uint8_t> in;       // compress: the chunk's elements; decompress: its payload
  std::vector<std::uint8_t> scratch;  // encode_chunk's word buffer (W narrower than the dtype)
  std::vector<std::uint8_t> out;      // compress: chunk header + payload; decompress: elements
  ChunkHeader header;
  Result<CodedSize> coded = CodedSize{};
  Result<void> decoded = {};
  std::exception_ptr error;  // anything the coding step threw (out of memory)
};

// The ordered chunk pipeline behind compress, decompress and info --verify.
//
// One reader thread reads chunk k into slot k % nslots, `workers` threads code the chunks
// (any worker takes the next chunk read), and the calling thread writes them in order:
// reading chunk k+2.., coding k+1.. and writing k overlap. Every chunk is coded exactly as
// by the serial code, so the output is identical for any thread count.
//
// Memory: nslots = workers + 2 slots (workers coding, one being read, one being written;
// more slack measured no faster), each holding one chunk's input, output and scratch: at
// most the chunk's bytes twice plus the codec's bound, under 4 x the chunk's bytes. So the
// buffers take at most (threads + 2) x 4 x chunk bytes whatever the file size: 16 MiB
// for 2 threads and the default 1 Mi-word chunks of int8, where the whole process peaks
// at about 16 MiB RSS.
//
// Errors: a chunk the reader cannot read (truncated or corrupt header) ends the reading
// there; its exception is rethrown by the writer when it reaches that chunk, after the
// chunks before it, so the message is the same as the serial code's. A coding error is
// kept in the slot and reported by write(slot, k) in order the same way. When the writer
// throws (any error, or a write error), the pipeline is stopped: workers finish their
// current chunk and exit, a reader blocked on a pipe is woken (cancel_input_reads) and
// every thread is joined before the exception leaves run_pipeline, so the caller's
// AtomicFile then removes the temporary output.
template <class Read, class Code, class Write>
void run_pipeline(std::uint64_t njobs, unsigned threads, Read&& read, Code&& code, Write&& write) {
  if (njobs == 0) {
    return;
  }
  const unsigned workers = static_cast<unsigned>(std::min<std::uint64_t>(std::max(threads, 1u), njobs));
  const std::size_t nslots = std::min<std::uint64_t>(workers + 2, njobs);
  std::vector<ChunkSlot> slots(nslots);
  std::vector<std::uint64_t> coded_job(nslots, UINT64_MAX);  // the job a slot holds, once coded

  std::mutex m;
  std::condition_variable reader_cv;  // a slot was freed, or stop
  std::condition_variable worker_cv;  // a chunk was read, reading ended, or stop
  std::condition_variable writer_cv;  // a chunk was coded, or reading failed
  std::uint64_t nread = 0;            // chunks [0, nread) are read
  std::uint64_t nclaimed = 0;         // chunks [0, nclaimed) are taken by workers
  std::uint64_t nwritten = 0;         // chunks [0, nwritten) are written, their slots free
  bool read_failed = false;           // reading stopped at chunk nread with read_error
  std::exception_ptr read_error;
  bool stop = false;

  auto reader = [&] {
    for (std::uint64_t k = 0; k < njobs; ++k) {
      {
        std::unique_lock lock(m);
        reader_cv.wait(lock, [&] { return stop || k - nwritten < nslots; });
        if (stop) {
          return;
        }
      }
      try {
        read(slots[k % nslots], k);
      } catch (...) {
        std::lock_guard lock(m);
        read_failed = true;
        read_error = std::current_exception();
        worker_cv.notify_all();
        writer_cv.notify_all();
        return;
      }
      std::lock_guard lock(m);
      nread = k + 1;
      worker_cv.notify_one();
    }
    std::lock_guard lock(m);
    worker_cv.notify_all();  // reading is over: idle workers can exit
  };
  auto worker = [&] {
    std::unique_lock lock(m);
    while (true) {
      worker_cv.wait(lock, [&] { return stop || nclaimed < nread || read_failed || nread == njobs; });
      if (stop || nclaimed >= nread) {
        return;  // stopped, or nothing left to code (reading is over)
      }
      const std::uint64_t k = nclaimed++;
      lock.unlock();
      ChunkSlot& slot = slots[k % nslots];
      try {
        slot.error = nullptr;
        code(slot, k);
      } catch (...) {
        slot.error = std::current_exception();
      }
      lock.lock();
      coded_job[k % nslots] = k;
      writer_cv.notify_one();
    }
  };

  std::vector<std::thread> pool;
  auto stop_all = [&] {
    {
      std::lock_guard lock(m);
      stop = true;
    }
    reader_cv.notify_all();
    worker_cv.notify_all();
    cancel_input_reads();  // wakes a reader blocked on a pipe
    for (auto& t : pool) {
      t.join();
    }
    pool.clear();
  };
  try {
    try {
      pool.reserve(workers + 1);
      pool.emplace_back(reader);
      for (unsigned w = 0; w < workers; ++w) {
        pool.emplace_back(worker);
      }
    } catch (const std::system_error&) {
      fail(fmt::format("cannot start {} threads (use --threads)", workers + 1));
    }
    for (std::uint64_t k = 0; k < njobs; ++k) {
      ChunkSlot& slot = slots[k % nslots];
      {
        std::unique_lock lock(m);
        writer_cv.wait(lock, [&] { return coded_job[k % nslots] == k || (read_failed && nread <= k); });
        if (coded_job[k % nslots] != k) {
          std::rethrow_exception(read_error);
        }
      }
      if (slot.error) {
        std::rethrow_exception(slot.error);
      }
      write(slot, k);
      std::lock_guard lock(m);
      nwritten = k + 1;
      reader_cv.notify_one();
    }
  } catch (...) {
    stop_all();
    throw;
  }
  for (auto& t : pool) {
    t.join();  // all chunks are written: the reader and the workers are done
  }
}

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

void open_output(AtomicFile& out, const std::string& path, bool force) {
  if (path != "-" && !force && file_exists(path)) {
    fail(path + ": already exists (use -f to overwrite)");
  }
  if (auto r = out.open(path, force); !r) {
    fail(path + ": cannot create output file");
  }
}

void write_or_fail(AtomicFile& out, std::span<const std::uint8_t> bytes, const std::string& path) {
  if (auto r = out.write(bytes); !r) {
    fail(path + ": write error");
  }
}

// Reads exactly n bytes or fails naming what was being read.
void read_exact(Input& in, std::span<std::uint8_t> buf, const char* what) {
  if (in.read(buf) != buf.size()) {
    fail(fmt::format("{}: truncated input (ends inside {})", in.name(), what));
  }
}

void run_compress(const CompressOptions& o) {
  Input in(o.input);
  ContainerHeader h;
  if (auto r = parse_codec_spec(o.codec, h.codec); !r) {
    fail("--codec: unknown codec '" + o.codec + "' (ebpc, zvc, zrle, bpc, zstd[-LEVEL], lz4, deflate[-LEVEL])");
  }
  h.codec.block_nwords = o.block_nwords;
  h.codec.max_zero_run_nwords = o.max_zero_run_nwords;
  h.chunk_nwords = o.chunk_nwords;

  if (!o.dtype.empty() || !o.shape.empty()) {
    if (o.dtype.empty() || o.shape.empty()) {
      fail("raw input needs both --dtype and --shape");
    }
    const DTypeInfo* info = dtype_from_name(o.dtype);
    if (info == nullptr) {
      fail("--dtype: unknown type '" + o.dtype + "'");
    }
    h.dtype = info->id;
    h.shape = parse_shape(o.shape);
  } else {
    // .npy header: the fixed prefix, then the dict.
    std::vector<std::uint8_t> head(12);
    const std::size_t got = in.read(head);
    head.resize(got);
    auto probe = parse_npy_header(head);
    if (!probe && probe.error() != Error::truncated) {
      fail(in.name() + ": not a valid .npy file (use --dtype and --shape for raw data)", probe.error());
    }
    if (got < 10) {
      fail(in.name() + ": not a valid .npy file (too short)");
    }
    const std::size_t len = head[6] == 1 ? load_le<std::uint16_t>(head.data() + 8) : load_le<std::uint32_t>(head.data() + 8);
    const std::size_t prefix = head[6] == 1 ? 10 : 12;
    if (len > (1u << 20)) {
      fail(in.name() + ": .npy header too large");
    }
    std::vector<std::uint8_t> full(head.begin(), head.end());
    full.resize(prefix + len);
    if (prefix + len > got) {
      read_exact(in, std::span<std::uint8_t>(full).subspan(got), "the .npy header");
    } else {
      fail(in.name() + ": not a valid .npy file");
    }
    auto nh = parse_npy_header(full);
    if (!nh) {
      if (nh.error() == Error::unsupported) {
        fail(in.name() + ": unsupported .npy dtype (ebpc codes int8, uint8, int16, uint16, float16, int32, uint32, "
                         "float32, little-endian)");
      }
      fail(in.name() + ": not a valid .npy file", nh.error());
    }
    h.dtype = nh->dtype;
    h.shape = nh->shape;
    h.fortran_order = nh->fortran_order;
  }
  const DTypeInfo* info = dtype_info(h.dtype);
  h.codec.elem_nbytes = info->nbytes;
  h.codec.word_nbits = o.width != 0 ? o.width : info->nbytes * 8;
  std::uint64_t product = 1;
  for (auto d : h.shape) {
    if (d != 0 && product > UINT64_MAX / 8 / d) {
      fail(in.name() + ": array too large");
    }
    product *= d;
  }
  h.nwords = product;
  if (auto v = validate(h); !v) {
    if (info->is_float && h.codec.word_nbits != info->nbytes * 8) {
      fail(fmt::format("--width {}: {} data is coded as {}-bit patterns", h.codec.word_nbits, info->name,
                       info->nbytes * 8));
    }
    if (h.codec.word_nbits > info->nbytes * 8) {
      fail(fmt::format("--width {} is wider than {}", h.codec.word_nbits, info->name));
    }
    fail("invalid parameters (width 2..32, block 2/4/8/16/32, max zero run a power of two 2..256, chunk size)",
         v.error());
  }

  std::string out_path = o.output;
  if (out_path.empty()) {
    out_path = o.input == "-" ? "-" : o.input + ".ebpc";
  }
  AtomicFile out;
  open_output(out, out_path, o.force);
  write_or_fail(out, serialize_header(h), out_path);

  run_pipeline(
      h.nchunks(), thread_count(o.threads),
      [&](ChunkSlot& slot, std::uint64_t i) {
        // resize() zero-fills only the first time a slot grows to a chunk's size.
        slot.in.resize(static_cast<std::size_t>(h.chunk_nwords_at(i) * info->nbytes));
        read_exact(in, slot.in, "the array data");
      },
      [&](ChunkSlot& slot, std::uint64_t) {
        slot.out.clear();
        slot.coded = encode_chunk(slot.in, h, slot.scratch, slot.out);
      },
      [&](ChunkSlot& slot, std::uint64_t i) {
        if (!slot.coded) {
          if (slot.coded.error() == Error::bad_parameter) {
            std::uint64_t bad = 0;
            std::vector<std::uint8_t> copy = slot.in;
            (void)elements_to_words(copy, h.dtype, h.codec.word_nbits, &bad);
            fail(fmt::format("{}: value at flat index {} does not fit in {} bits", in.name(),
                             i * h.chunk_nwords + bad, h.codec.word_nbits));
          }
          fail(in.name() + ": cannot compress", slot.coded.error());
        }
        write_or_fail(out, slot.out, out_path);
      });
  if (!in.at_end()) {
    fail(in.name() + ": trailing data after the array");
  }
  if (auto r = out.commit(); !r) {
    fail(out_path + ": cannot write output file");
  }
}

ContainerHeader read_container_header(Input& in) {
  std::vector<std::uint8_t> head(32);
  const std::size_t got = in.read(head);
  head.resize(got);
  std::size_t header_nbytes = 0;
  auto h = parse_header(head, &header_nbytes);
  if (!h && h.error() == Error::truncated && got == 32) {
    const std::size_t total = 32 + 8 * std::size_t{head[13]} + 4;
    head.resize(total);
    read_exact(in, std::span<std::uint8_t>(head).subspan(32), "the .ebpc header");
    h = parse_header(head, &header_nbytes);
  }
  if (!h) {
    if (h.error() == Error::corrupt && (got < 4 || std::memcmp(head.data(), "EBPC", 4) != 0)) {
      fail(in.name() + ": not an .ebpc file");
    }
    if (h.error() == Error::truncated) {
      fail(in.name() + ": truncated .ebpc header");
    }
    fail(in.name() + ": bad .ebpc header", h.error());
  }
  return *h;
}

// Reads chunk i's header and its payload (into payload); a bad header is a one-line error.
ChunkHeader read_chunk(Input& in, const ContainerHeader& h, std::uint64_t i, std::vector<std::uint8_t>& payload) {
  std::uint8_t ch_bytes[k_chunk_header_nbytes];
  read_exact(in, ch_bytes, "a chunk header");
  auto ch = parse_chunk_header(ch_bytes, h, h.chunk_nwords_at(i));
  if (!ch) {
    fail(fmt::format("{}: chunk {}: bad chunk header", in.name(), i), ch.error());
  }
  payload.resize(ch->payload_nbytes);
  read_exact(in, payload, "a chunk");
  return *ch;
}

// Streams every chunk of in to sink(elements of the chunk, its payload bytes), in order,
// decoding up to `threads` chunks in parallel, and checks that nothing follows.
template <class Sink>
void for_each_decoded_chunk(Input& in, const ContainerHeader& h, unsigned threads, Sink&& sink) {
  run_pipeline(
      h.nchunks(), threads,
      [&](ChunkSlot& slot, std::uint64_t i) { slot.header = read_chunk(in, h, i, slot.in); },
      [&](ChunkSlot& slot, std::uint64_t i) {
        slot.out.resize(static_cast<std::size_t>(h.chunk_nwords_at(i) * h.codec.elem_nbytes));
        slot.decoded = decode_chunk(slot.in, slot.header, h, slot.out);
      },
      [&](ChunkSlot& slot, std::uint64_t i) {
        if (!slot.decoded) {
          fail(fmt::format("{}: chunk {}", in.name(), i), slot.decoded.error());
        }
        sink(std::span<const std::uint8_t>(slot.out), slot.header.payload_nbytes);
      });
  if (!in.at_end()) {
    fail(in.name() + ": trailing data after the last chunk");
  }
}

void run_decompress(const DecompressOptions& o) {
  Input in(o.input);
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
  const ContainerHeader h = read_container_header(in);
  AtomicFile out;
  open_output(out, out_path, o.force);
  write_or_fail(out, make_npy_header(h.dtype, h.shape, h.fortran_order), out_path);
  for_each_decoded_chunk(in, h, thread_count(o.threads),
                         [&](std::span<const std::uint8_t> elems, std::uint32_t) { write_or_fail(out, elems, out_path); });
  if (auto r = out.commit(); !r) {
    fail(out_path + ": cannot write output file");
  }
}

void run_info(const std::string& path, bool verify) {
  Input in(path);
  const ContainerHeader h = read_container_header(in);
  std::string shape;
  for (std::size_t i = 0; i < h.shape.size(); ++i) {
    shape += (i != 0 ? "x" : "") + std::to_string(h.shape[i]);
  }
  std::uint64_t compressed = serialize_header(h).size();
  std::uint64_t payload_total = 0;
  if (verify) {
    for_each_decoded_chunk(in, h, default_thread_count(), [&](std::span<const std::uint8_t>, std::uint32_t payload) {
      payload_total += payload;
      compressed += k_chunk_header_nbytes + payload;
    });
  } else {
    std::vector<std::uint8_t> payload;
    for (std::uint64_t i = 0; i < h.nchunks(); ++i) {
      const ChunkHeader ch = read_chunk(in, h, i, payload);
      payload_total += ch.payload_nbytes;
      compressed += k_chunk_header_nbytes + ch.payload_nbytes;
    }
  }
  const std::uint64_t original = h.nwords * h.codec.elem_nbytes;
  fmt::print("file:        {}\n", path);
  fmt::print("format:      .ebpc version {}\n", k_container_version);
  fmt::print("codec:       {}", codec_spec(h.codec));
  if (h.codec.id == CodecId::ebpc) {
    fmt::print(" (W={} B={} Z={})", h.codec.word_nbits, h.codec.block_nwords, h.codec.max_zero_run_nwords);
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
    fmt::print("verified:    all chunks decode and match their checksums\n");
  }
}

}  // namespace

void register_compress(CLI::App& app) {
  auto opts = std::make_shared<CompressOptions>();
  auto* c = app.add_subcommand("compress", "Compress a .npy array (or raw data) into an .ebpc file");
  c->add_option("input", opts->input, "input .npy file, or raw data with --dtype and --shape ('-' = stdin)")->required();
  c->add_option("-o,--output", opts->output, "output file ('-' = stdout; default: INPUT.ebpc)");
  c->add_flag("-f,--force", opts->force, "overwrite an existing output file");
  c->add_option("--codec", opts->codec, "ebpc, zvc, zrle, bpc, zstd[-LEVEL], lz4, deflate[-LEVEL]")
      ->capture_default_str();
  c->add_option("--block", opts->block_nwords, "EBPC/BPC block size B (2, 4, 8, 16, 32)")->capture_default_str();
  c->add_option("--max-zero-run", opts->max_zero_run_nwords, "EBPC zero-run limit Z (power of two, 2..256)")
      ->capture_default_str();
  c->add_option("--width", opts->width, "word width W in bits (default: the dtype's width)");
  c->add_option("--dtype", opts->dtype, "raw input element type (int8, uint8, int16, uint16, float16, bfloat16, "
                                        "int32, uint32, float32)");
  c->add_option("--shape", opts->shape, "raw input shape, e.g. 32,112,112");
  c->add_option("--chunk-words", opts->chunk_nwords, "words per independent chunk")->capture_default_str();
  c->add_option("--threads", opts->threads,
                "coding threads (default: all cores; one more thread reads); the output is the same for any count");
  c->callback([opts] { run_compress(*opts); });

  auto dopts = std::make_shared<DecompressOptions>();
  auto* d = app.add_subcommand("decompress", "Decompress an .ebpc file back into a .npy array");
  d->add_option("input", dopts->input, "input .ebpc file ('-' = stdin)")->required();
  d->add_option("-o,--output", dopts->output, "output .npy file ('-' = stdout; default: INPUT without .ebpc)");
  d->add_flag("-f,--force", dopts->force, "overwrite an existing output file");
  d->add_option("--threads", dopts->threads, "decoding threads (default: all cores; one more thread reads)");
  d->callback([dopts] { run_decompress(*dopts); });

  auto info_path = std::make_shared<std::string>();
  auto verify = std::make_shared<bool>(false);
  auto* i = app.add_subcommand("info", "Show an .ebpc file's header, sizes and ratio");
  i->add_option("input", *info_path, "input .ebpc file")->required();
  i->add_flag("--verify", *verify, "also decode every chunk and check its checksum");
  i->callback([info_path, verify] { run_info(*info_path, *verify); });
}

}  // namespace ebpc::cli
