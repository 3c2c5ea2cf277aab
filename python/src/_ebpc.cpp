// The pybind11 extension behind the Python package `ebpc` (python/ebpc/). Thin glue over
// the library: buffers come in through the buffer protocol without a copy (the Python
// side passes C- or Fortran-contiguous arrays), every call that codes data releases the
// GIL, and every library error becomes ebpc.Error (a ValueError) with the library's message.
//
// Glue that duplicates library or CLI logic (to be replaced by library calls):
// the chunk-parallel whole-buffer compress/decompress below (the container's serial
// compress_container / decompress_container, with threads) and make_header (the header
// and messages of cmd_compress.cpp).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>
#include <ebpc/ebpc.h>  // ebpc_version
#include <ebpc/ebpc.hpp>
#include <ebpc/file.hpp>

#include <ebpc/eval.hpp>           // ebpc eval's default codecs and formats
#include <ebpc/eval_quantise.hpp>  // ebpc eval's quantisation (library ebpc_eval)
#include <ebpc/measure.hpp>
#include <ebpc/parallel.hpp>       // parallel_for, default_thread_count
#include <ebpc/stream.hpp>
#ifdef EBPC_PY_HAVE_HW
#include <ebpc/hw.hpp>             // the cycle model (library ebpc_hw)
#endif

namespace py = pybind11;

namespace {

struct PyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& what) { throw PyError(what); }
[[noreturn]] void fail(const std::string& what, ebpc::Error e) {
  throw PyError(what + ": " + std::string(ebpc::error_message(e)));
}

// A read-only view of a contiguous buffer (the caller keeps the object alive).
std::span<const std::uint8_t> bytes_of(const py::buffer& b) {
  py::buffer_info info = b.request();
  if (info.ndim > 0) {
    // Contiguity is checked by the Python side; this is the guard against misuse.
    py::ssize_t expect = info.itemsize;
    bool c = true;
    for (py::ssize_t d = info.ndim; d-- > 0;) {
      if (info.shape[static_cast<std::size_t>(d)] > 1 && info.strides[static_cast<std::size_t>(d)] != expect) {
        c = false;
      }
      expect *= info.shape[static_cast<std::size_t>(d)];
    }
    bool f = true;
    expect = info.itemsize;
    for (py::ssize_t d = 0; d < info.ndim; ++d) {
      if (info.shape[static_cast<std::size_t>(d)] > 1 && info.strides[static_cast<std::size_t>(d)] != expect) {
        f = false;
      }
      expect *= info.shape[static_cast<std::size_t>(d)];
    }
    if (!c && !f) {
      fail("buffer is not contiguous");
    }
  }
  return {static_cast<const std::uint8_t*>(info.ptr), static_cast<std::size_t>(info.size * info.itemsize)};
}

std::span<std::uint8_t> writable_bytes_of(const py::buffer& b) {
  py::buffer_info info = b.request(true);
  auto ro = bytes_of(b);
  return {static_cast<std::uint8_t*>(info.ptr), ro.size()};
}

const ebpc::DTypeInfo& dtype_or_fail(const std::string& name) {
  const ebpc::DTypeInfo* info = ebpc::dtype_from_name(name);
  if (info == nullptr) {
    fail("unsupported dtype '" + name + "' (ebpc codes int8, uint8, int16, uint16, float16, bfloat16, int32, uint32, "
         "float32)");
  }
  return *info;
}

unsigned thread_count(unsigned requested) { return requested == 0 ? ebpc::default_thread_count() : requested; }

// The header `ebpc compress` builds (the library's make_container_header).
ebpc::ContainerHeader make_header(const ebpc::DTypeInfo& info, const std::vector<std::uint64_t>& shape, bool fortran,
                                  const std::string& codec, unsigned width, unsigned block, unsigned max_zero_run,
                                  int level, std::uint32_t chunk_nwords) {
  // The header keeps the level in a signed byte, and only zstd and deflate have levels.
  if (level < -128 || level > 127) {
    fail("level " + std::to_string(level) + " is out of range (zstd 1..22, deflate 0..12)");
  }
  if (level != 0) {
    ebpc::CodecParams p;
    if (ebpc::parse_codec_spec(codec, p) && p.id != ebpc::CodecId::zstd && p.id != ebpc::CodecId::deflate) {
      fail("level applies to zstd and deflate only, not " + codec);
    }
  }
  ebpc::ArrayOptions o;
  o.codec = codec;
  o.word_nbits = width;
  o.block_nwords = block;
  o.max_zero_run_nwords = max_zero_run;
  o.level = level;
  o.chunk_nwords = chunk_nwords;
  auto h = ebpc::make_container_header(info.id, shape, fortran, o);
  if (!h) {
    fail(h.error().message);
  }
  return std::move(*h);
}

py::bytes compress(const py::buffer& data, const std::string& dtype, const std::vector<std::uint64_t>& shape,
                   bool fortran, const std::string& codec, unsigned width, unsigned block, unsigned max_zero_run,
                   int level, std::uint32_t chunk_nwords, unsigned threads) {
  const ebpc::DTypeInfo& info = dtype_or_fail(dtype);
  const ebpc::ContainerHeader h = make_header(info, shape, fortran, codec, width, block, max_zero_run, level, chunk_nwords);
  const auto elems = bytes_of(data);
  if (elems.size() != h.nwords * info.nbytes) {
    fail("buffer size does not match the shape and dtype");
  }
  // The result is written straight into a bytes object sized to the worst case (pages
  // never touched cost nothing) and shrunk at the end.
  const std::size_t bound = ebpc::container_bound_nbytes(h);
  PyObject* raw = PyBytes_FromStringAndSize(nullptr, static_cast<py::ssize_t>(bound));
  if (raw == nullptr) {
    throw py::error_already_set();
  }
  py::object result = py::reinterpret_steal<py::object>(raw);
  auto* dst = reinterpret_cast<std::uint8_t*>(PyBytes_AS_STRING(raw));
  ebpc::Outcome<std::size_t> r;
  {
    py::gil_scoped_release release;
    r = ebpc::compress_container_into(elems, h, std::span<std::uint8_t>(dst, bound), thread_count(threads));
  }
  if (!r) {
    fail(r.error().code == ebpc::Error::bad_parameter ? r.error().message : "cannot compress: " + r.error().message);
  }
  const std::size_t pos = *r;
  raw = result.release().ptr();
  if (_PyBytes_Resize(&raw, static_cast<py::ssize_t>(pos)) != 0) {
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::bytes>(raw);
}

py::dict header_dict(const ebpc::ContainerHeader& h, std::size_t header_nbytes) {
  py::dict d;
  d["version"] = h.version;
  d["dtype"] = std::string(ebpc::dtype_info(h.dtype)->name);
  d["shape"] = h.shape;
  d["fortran_order"] = h.fortran_order;
  d["codec"] = ebpc::codec_spec(h.codec);
  d["width"] = h.codec.word_nbits;
  d["block"] = h.codec.block_nwords;
  d["max_zero_run"] = h.codec.max_zero_run_nwords;
  d["lanes"] = h.codec.lanes;
  d["level"] = h.codec.level;
  d["nwords"] = h.nwords;
  d["chunk_nwords"] = h.chunk_nwords;
  d["nchunks"] = h.nchunks();
  d["header_nbytes"] = header_nbytes;
  return d;
}

ebpc::ContainerHeader parse_or_fail(std::span<const std::uint8_t> in, std::size_t* header_nbytes) {
  auto h = ebpc::parse_header(in, header_nbytes);
  if (!h) {
    if (h.error() == ebpc::Error::corrupt && (in.size() < 4 || std::memcmp(in.data(), "EBPC", 4) != 0)) {
      fail("not an .ebpc container");
    }
    fail("bad .ebpc header", h.error());
  }
  return *h;
}

py::dict header(const py::buffer& buf) {
  const auto in = bytes_of(buf);
  std::size_t n = 0;
  const ebpc::ContainerHeader h = parse_or_fail(in, &n);
  return header_dict(h, n);
}

// Checks, before any output is allocated, that a container's claimed size is believable:
// the input after the header must hold every chunk's header (each chunk takes at least
// k_chunk_header_nbytes), and the decoded array must fit max_output_nbytes (the caller's
// memory budget). Returns the header's dict.
py::dict check_input(const py::buffer& buf, std::uint64_t max_output_nbytes) {
  const auto in = bytes_of(buf);
  std::size_t n = 0;
  const ebpc::ContainerHeader h = parse_or_fail(in, &n);
  const std::uint64_t nchunks = h.nchunks();
  if (nchunks > (in.size() - n) / ebpc::k_chunk_header_nbytes) {
    fail("truncated input: the header claims " + std::to_string(nchunks) + " chunks (at least " +
         std::to_string(ebpc::k_chunk_header_nbytes) + " bytes each) but " + std::to_string(in.size() - n) +
         " bytes follow it");
  }
  const std::uint64_t elem_nbytes = ebpc::dtype_info(h.dtype)->nbytes;
  if (h.nwords > max_output_nbytes / elem_nbytes) {
    fail("the decoded array would take " + std::to_string(h.nwords * elem_nbytes) + " bytes, above the memory budget of " +
         std::to_string(max_output_nbytes) + " bytes (max_output_nbytes)");
  }
  return header_dict(h, n);
}

// Decodes a whole container into out (exactly nwords * elem bytes): the library's
// decompress_container_into, without the GIL.
void decompress_into(const py::buffer& buf, const py::buffer& out_buf, unsigned threads) {
  const auto in = bytes_of(buf);
  const auto out = writable_bytes_of(out_buf);
  ebpc::Outcome<void> r;
  {
    py::gil_scoped_release release;
    r = ebpc::decompress_container_into(in, out, thread_count(threads));
  }
  if (!r) {
    fail(r.error().message);
  }
}

// Words of a whole array (elements_to_words on a copy), checked against the width.
std::vector<std::uint8_t> words_or_fail(std::span<const std::uint8_t> elems, const ebpc::DTypeInfo& info, unsigned w) {
  std::vector<std::uint8_t> words(elems.begin(), elems.end());
  if (auto r = ebpc::elements_to_words_or_failure(words, info.id, w); !r) {
    fail(r.error().message);
  }
  return words;
}

std::vector<std::uint32_t> words32(std::span<const std::uint8_t> words, unsigned elem_nbytes) {
  std::vector<std::uint32_t> out(words.size() / elem_nbytes);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t v = 0;
    std::memcpy(&v, words.data() + i * elem_nbytes, elem_nbytes);  // little-endian host
    out[i] = v;
  }
  return out;
}

// ebpc measure's numbers for one array (ebpc::measure, as the CLI).
py::list measure(const py::buffer& data, const std::string& dtype, const std::vector<std::uint64_t>& shape, bool fortran,
                 const std::vector<std::string>& codecs, unsigned width, unsigned block, unsigned max_zero_run) {
  const ebpc::DTypeInfo& info = dtype_or_fail(dtype);
  const auto elems = bytes_of(data);
  std::vector<ebpc::CodecParams> params;
  for (const auto& spec : codecs) {
    ebpc::CodecParams p;
    if (!ebpc::parse_codec_spec(spec, p)) {
      fail("unknown codec '" + spec + "' (" + std::string(ebpc::k_codec_list) + ")");
    }
    p.block_nwords = block;
    p.max_zero_run_nwords = max_zero_run;
    ebpc::set_array_geometry(p, shape, fortran);  // ebpcx's contexts
    params.push_back(p);
  }
  ebpc::Outcome<ebpc::Measurement> m = tl::unexpected(ebpc::Failure{});
  {
    py::gil_scoped_release release;
    m = ebpc::measure(elems, info.id, width, params);
  }
  if (!m) {
    fail(m.error().message);
  }
  py::list out;
  for (const ebpc::MeasureRow& r : ebpc::measure_rows(*m)) {
    py::dict d;
    d["codec"] = r.codec;
    d["values"] = r.values;
    d["zero_fraction"] = r.zero_fraction();
    d["uncompressed_bits"] = r.uncompressed_nbits;
    d["compressed_bits"] = r.compressed_nbits;
    d["compressed_bits_padded"] = r.padded_nbits;
    d["ratio"] = r.ratio();
    if (r.has_streams) {
      d["znz_bits"] = r.znz_nbits;
      d["bpc_bits"] = r.bpc_nbits;
    }
    out.append(d);
  }
  return out;
}

ebpc::EbpcParams ebpc_params_or_fail(unsigned width, unsigned block, unsigned max_zero_run) {
  const ebpc::EbpcParams p{width, block, max_zero_run};
  if (!ebpc::validate(p)) {
    fail("invalid parameters: width " + std::to_string(width) + " (2..32), block " + std::to_string(block) +
         " (2, 4, 8, 16, 32), max_zero_run " + std::to_string(max_zero_run) + " (power of two 2..256)");
  }
  return p;
}

std::vector<std::uint8_t> from_hw_words(std::span<const std::uint8_t> bytes, unsigned w, const char* name) {
  std::uint64_t bad = 0;
  auto r = ebpc::hw_words_to_stream(bytes, w, &bad);
  if (!r) {
    if (r.error() == ebpc::Error::corrupt) {
      fail(std::string(name) + ": word " + std::to_string(bad) + " has bits set above bit " + std::to_string(w - 1));
    }
    fail(std::string(name) + ": " + std::to_string(bytes.size()) + " bytes is not a whole number of " +
         std::to_string((w + 7) / 8) + "-byte words");
  }
  return std::move(*r);
}

py::tuple hw_encode(const py::buffer& data, const std::string& dtype, unsigned width, unsigned block,
                    unsigned max_zero_run) {
  const ebpc::DTypeInfo& info = dtype_or_fail(dtype);
  const ebpc::EbpcParams p = ebpc_params_or_fail(width, block, max_zero_run);
  const auto elems = bytes_of(data);
  std::vector<std::uint8_t> znz;
  std::vector<std::uint8_t> bpc;
  ebpc::Error err{};
  {
    // The conversion too (it copies the whole input). Its failure is a C++ exception: the
    // GIL is taken back as it leaves this block, before pybind11 translates it.
    py::gil_scoped_release release;
    const auto words = words32(words_or_fail(elems, info, width), info.nbytes);
    auto s = ebpc::encode_streams_to_vectors(words, p);
    if (s) {
      znz = ebpc::stream_to_hw_words(s->znz, s->sizes.znz_padded_nbits, width);
      bpc = ebpc::stream_to_hw_words(s->bpc, s->sizes.bpc_padded_nbits, width);
    } else {
      err = s.error();
    }
  }
  if (err != ebpc::Error{}) {
    fail("cannot encode", err);
  }
  return py::make_tuple(py::bytes(reinterpret_cast<const char*>(znz.data()), znz.size()),
                        py::bytes(reinterpret_cast<const char*>(bpc.data()), bpc.size()));
}

// Decodes count words into out (count elements of dtype).
void hw_decode(const py::buffer& znz_buf, const py::buffer& bpc_buf, std::uint64_t count, const std::string& dtype,
               unsigned width, unsigned block, unsigned max_zero_run, const py::buffer& out_buf) {
  const ebpc::DTypeInfo& info = dtype_or_fail(dtype);
  const ebpc::EbpcParams p = ebpc_params_or_fail(width, block, max_zero_run);
  if (width > info.nbytes * 8 || (info.is_float && width != info.nbytes * 8)) {
    fail(std::string(info.name) + " cannot hold " + std::to_string(width) + "-bit words");
  }
  const auto out = writable_bytes_of(out_buf);
  if (out.size() != count * info.nbytes) {
    fail("output buffer size does not match count");
  }
  const std::uint64_t word_nbytes = (width + 7) / 8;
  const std::uint64_t max_nbytes =
      (ebpc::ebpc_znz_bound_nbytes(count, p) + ebpc::ebpc_bpc_bound_nbytes(count, p)) * word_nbytes + 64;
  const auto znz_in = bytes_of(znz_buf);
  const auto bpc_in = bytes_of(bpc_buf);
  if (znz_in.size() > max_nbytes || bpc_in.size() > max_nbytes) {
    fail("a stream is larger than the streams for count words can be", ebpc::Error::limit_exceeded);
  }
  const auto znz = from_hw_words(znz_in, width, "znz");
  const auto bpc = from_hw_words(bpc_in, width, "bpc");
  ebpc::Error err{};
  {
    py::gil_scoped_release release;
    std::vector<std::uint32_t> words(static_cast<std::size_t>(count));
    auto r = ebpc::decode_streams(znz, bpc, p, std::span<std::uint32_t>(words));
    if (r) {
      for (std::size_t i = 0; i < words.size(); ++i) {
        std::memcpy(out.data() + i * info.nbytes, &words[i], info.nbytes);
      }
      ebpc::words_to_elements(out, info.id, width);
    } else {
      err = r.error();
    }
  }
  if (err != ebpc::Error{}) {
    fail("cannot decode the streams", err);
  }
}

#ifdef EBPC_PY_HAVE_HW
// One file's object of `ebpc hw sim --json` (ebpc::hw::to_json), without "name".
py::dict hw_sim(const py::buffer& data, const std::string& dtype, unsigned width, unsigned block, double out_ready,
                double in_bubble, std::uint64_t seed, bool fix_last_bpc_hang) {
  const ebpc::DTypeInfo& info = dtype_or_fail(dtype);
  ebpc::hw::HwConfig c;
  c.word_nbits = width;
  c.block_nwords = block;
  c.out_ready_probability = out_ready;
  c.out_ready_seed = seed;
  c.in_bubble_probability = in_bubble;
  c.in_bubble_seed = seed + 1;
  c.fix_last_bpc_hang = fix_last_bpc_hang;
  if (!ebpc::hw::validate(c)) {
    fail("the published hardware takes width 8 or 16 and block 8 or 16 with block <= width, out_ready in (0, 1], "
         "in_bubble in [0, 1) (got width " + std::to_string(width) + ", block " + std::to_string(block) + ")");
  }
  const auto words = words32(words_or_fail(bytes_of(data), info, width), info.nbytes);
  // hw_round_trip refuses N outside 1..2^24 with its own message.
  ebpc::Outcome<ebpc::hw::HwRoundTrip> rt = tl::unexpected(ebpc::Failure{ebpc::Error::bad_parameter, ""});
  {
    py::gil_scoped_release release;
    rt = ebpc::hw::hw_round_trip(words, c, false);
  }
  if (!rt) {
    if (rt.error().code == ebpc::Error::hardware_hang) {
      fail("the authors' RTL hangs on this input (its last BPC word is never emitted; docs/hardware.md, \"A hang in "
           "the RTL\"); fix_last_bpc_hang=True models the one-line fix");
    }
    fail(rt.error().message);
  }
  ebpc::hw::HwSimReport r;
  r.enc = std::move(rt->enc);
  r.dec = std::move(rt->dec);
  r.lane_nwords = {words.size()};  // the published design has one lane
  return py::module_::import("json").attr("loads")(ebpc::hw::to_json(r)).cast<py::dict>();
}
#endif

// ebpc eval's quantisation of float16 or float32 values (src/eval/quantise.hpp) into out
// (element bytes of the format's storage type). max_abs: the fixed formats' scale.
void quantise(const py::buffer& values, const std::string& src_dtype, const std::string& format, float max_abs,
              const py::buffer& out_buf) {
  const ebpc::eval::FormatInfo* f = ebpc::eval::find_format(format);
  if (f == nullptr) {
    fail("unknown number format '" + format + "' (fixed8, fixed12, fixed16, float16, bfloat16, float32)");
  }
  ebpc::eval::LayerValues v;
  if (src_dtype == "float16") {
    v.dtype = ebpc::DType::float16;
  } else if (src_dtype == "float32") {
    v.dtype = ebpc::DType::float32;
  } else {
    fail("quantise takes float16 or float32 values");
  }
  const auto in = bytes_of(values);
  v.bytes.assign(in.begin(), in.end());
  const auto out = writable_bytes_of(out_buf);
  if (out.size() != v.size() * ebpc::dtype_info(f->storage)->nbytes) {
    fail("output buffer size does not match the format's storage");
  }
  if (f->is_fixed) {
    std::size_t bad = 0;
    (void)ebpc::eval::max_abs(v, &bad);
    if (bad != v.size()) {
      fail("non-finite value at flat index " + std::to_string(bad) + " in a fixed-point format");
    }
  }
  std::vector<std::uint8_t> q;
  {
    py::gil_scoped_release release;
    ebpc::eval::quantise(v, f->id, max_abs, q);
  }
  std::memcpy(out.data(), q.data(), q.size());
}

float max_abs(const py::buffer& values, const std::string& src_dtype) {
  ebpc::eval::LayerValues v;
  v.dtype = src_dtype == "float16" ? ebpc::DType::float16 : ebpc::DType::float32;
  if (src_dtype != "float16" && src_dtype != "float32") {
    fail("max_abs takes float16 or float32 values");
  }
  const auto in = bytes_of(values);
  v.bytes.assign(in.begin(), in.end());
  return ebpc::eval::max_abs(v);
}


// --- ebpc.open: the library's streaming container (include/ebpc/stream.hpp) -------------
// Over a path (written through an AtomicFile: a temporary file renamed over the target on a
// successful close, removed otherwise), a file descriptor (read), or a Python file object
// (its write / read methods, called with the GIL taken by the callback, on the reader's own
// thread too; the calls that code release it).
//
// A callback never lets an exception out (it may run on a library thread): a Python
// exception, a wrong return type or a short write becomes Error::io for the library, and the
// Python exception is kept and raised on the caller's thread: an Exception as ebpc.Error
// (chained to it), any other BaseException (KeyboardInterrupt, SystemExit) unchanged.
//
// Each stream object serialises its calls with a lock of its own (as Python's file objects
// do), taken with the GIL released so that the thread holding it can finish (its callbacks
// need the GIL); a callback that calls back into its own stream is refused.

py::handle g_error_type;  // ebpc.Error, set once at import

// What a callback kept of its failure, for the caller's thread.
struct CallbackError {
  std::string message;  // non-empty once a callback failed
  py::object exc;       // the Python exception, if one was raised

  // In a callback, GIL held.
  void keep(const std::string& what, py::error_already_set& e) {
    if (message.empty()) {
      message = what + ": " + e.what();
      exc = e.value();
    }
  }
  void keep(const std::string& what) {
    if (message.empty()) {
      message = what;
    }
  }
  bool empty() const { return message.empty(); }

  // Runs a callback's work (GIL held) and keeps whatever it throws, so that nothing leaves
  // the callback: body's result, or Error::io after a throw.
  template <class F>
  auto guard(const std::string& what, F&& body) -> decltype(body()) {
    try {
      return body();
    } catch (py::error_already_set& e) {
      keep(what, e);
    } catch (const std::exception& e) {
      keep(what + ": " + e.what());
    } catch (...) {
      keep(what);
    }
    return tl::unexpected(ebpc::Error::io);
  }

  // On the caller's thread, GIL held: raises the kept exception as described above.
  [[noreturn]] void raise() {
    py::object original = std::move(exc);
    const std::string text = message;
    message.clear();
    if (original && !original.is_none() && PyObject_IsInstance(original.ptr(), PyExc_Exception) != 1) {
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(original.ptr())), original.ptr());
      throw py::error_already_set();
    }
    py::object err = py::reinterpret_borrow<py::object>(g_error_type)(text);
    if (original && !original.is_none()) {
      PyException_SetCause(err.ptr(), original.release().ptr());  // steals the reference
    }
    PyErr_SetObject(g_error_type.ptr(), err.ptr());
    throw py::error_already_set();
  }
};

[[noreturn]] void fail_stream(const ebpc::Failure& f, CallbackError& cb) {
  if (!cb.empty()) {
    cb.raise();
  }
  fail(f.message);
}

std::string type_name(const py::handle& o) { return Py_TYPE(o.ptr())->tp_name; }

// A contiguous byte view of any bytes-like object (bytes, bytearray, memoryview, ...).
class ByteView {
 public:
  // False (and no Python error left set) when o has no contiguous buffer.
  bool get(const py::handle& o) {
    if (PyObject_GetBuffer(o.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) {
      PyErr_Clear();
      return false;
    }
    held_ = true;
    return true;
  }
  ByteView() = default;
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;
  ~ByteView() {
    if (held_) {
      PyBuffer_Release(&view_);
    }
  }
  const std::uint8_t* data() const { return static_cast<const std::uint8_t*>(view_.buf); }
  std::size_t size() const { return static_cast<std::size_t>(view_.len); }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

// A stream object's lock (see above).
class ObjectLock {
 public:
  std::unique_lock<std::mutex> take() {
    if (owner_.load() == std::this_thread::get_id()) {
      fail("the ebpc stream was used from inside its own file object's callback");
    }
    std::unique_lock<std::mutex> l(mu_, std::try_to_lock);
    if (!l.owns_lock()) {
      py::gil_scoped_release release;
      l.lock();
    }
    owner_.store(std::this_thread::get_id());
    return l;
  }
  // Call before the lock returned by take() is released.
  void leave() { owner_.store(std::thread::id{}); }

 private:
  std::mutex mu_;
  std::atomic<std::thread::id> owner_{};
};

// Holds an object's lock for one call.
class Locked {
 public:
  explicit Locked(ObjectLock& l) : lock_(l), held_(l.take()) {}
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;
  ~Locked() { lock_.leave(); }

 private:
  ObjectLock& lock_;
  std::unique_lock<std::mutex> held_;
};

// The permission bits of a new output: an existing regular file's, else rw-r--r--.
unsigned output_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    return static_cast<unsigned>(st.st_mode & 07777);
  }
  return 0644;
}

class PyWriter {
 public:
  // path non-empty: written through an AtomicFile; else file's write().
  PyWriter(py::object file, const std::string& path, const std::string& dtype, const std::vector<std::uint64_t>& shape,
           bool fortran, const std::string& codec, unsigned width, unsigned block, unsigned max_zero_run, int level,
           std::uint32_t chunk_nwords, unsigned threads)
      : file_(std::move(file)) {
    // Every argument is checked before the file system is touched.
    const ebpc::ContainerHeader h =
        make_header(dtype_or_fail(dtype), shape, fortran, codec, width, block, max_zero_run, level, chunk_nwords);
    ebpc::ByteSink sink;
    if (!path.empty()) {
      out_ = std::make_unique<ebpc::AtomicFile>();
      const std::string target = path == "-" ? "./-" : path;  // "-" is a file name here, not stdout
      if (auto r = out_->open(target, true, output_mode(target)); !r) {
        out_.reset();
        fail(r.error().message);
      }
      sink = [this, path](std::span<const std::uint8_t> bytes) -> ebpc::Result<void> {
        if (auto r = out_->write(bytes); !r) {
          callback_.keep(path + ": write error");
          return tl::unexpected(ebpc::Error::io);
        }
        return {};
      };
    } else {
      sink = [this](std::span<const std::uint8_t> bytes) -> ebpc::Result<void> { return write_to_file(bytes); };
    }
    ebpc::StreamOptions o;
    o.threads = threads;
    auto w = ebpc::ContainerWriter::create(h, std::move(sink), o);
    if (!w) {
      out_.reset();
      fail_stream(w.error(), callback_);
    }
    w_ = std::move(*w);
    info_ = header_dict(h, ebpc::serialize_header(h).size());
  }
  ~PyWriter() { close_quietly(); }

  void write(const py::buffer& data) {
    Locked held(lock_);
    check_open();
    const auto elems = bytes_of(data);
    ebpc::Outcome<void> r;
    {
      py::gil_scoped_release release;
      r = w_->write(elems);
    }
    if (!r) {
      close_quietly();
      fail_stream(r.error(), callback_);
    }
  }
  void finish() {
    Locked held(lock_);
    check_open();
    ebpc::Outcome<void> r;
    {
      py::gil_scoped_release release;
      r = w_->finish();
    }
    if (r && out_) {
      if (auto c = out_->commit(); !c) {
        close_quietly();
        fail("cannot write the output file (write error)");
      }
    }
    close_quietly();
    if (!r) {
      fail_stream(r.error(), callback_);
    }
  }
  void abandon() {
    Locked held(lock_);
    close_quietly();
  }
  py::dict info() const { return info_; }

 private:
  // The sink over a Python file object: write() until every byte is taken. A return of None
  // means all written (io.RawIOBase's buffered objects); an int is the bytes taken.
  ebpc::Result<void> write_to_file(std::span<const std::uint8_t> bytes) {
    py::gil_scoped_acquire gil;
    return callback_.guard("write failed", [&]() -> ebpc::Result<void> {
      py::object data = py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      py::object view = py::reinterpret_steal<py::object>(PyMemoryView_FromObject(data.ptr()));
      if (!view) {
        throw py::error_already_set();
      }
      py::object write = file_.attr("write");
      std::size_t done = 0;
      while (done < bytes.size()) {
        py::object arg = done == 0 ? view
                                   : view[py::slice(static_cast<py::ssize_t>(done),
                                                    static_cast<py::ssize_t>(bytes.size()), 1)];
        py::object r = write(arg);
        if (r.is_none()) {
          break;
        }
        if (!PyLong_Check(r.ptr())) {
          callback_.keep("write failed: write() returned " + type_name(r) + ", not the number of bytes written");
          return tl::unexpected(ebpc::Error::io);
        }
        const long long n = PyLong_AsLongLong(r.ptr());
        if (n == -1 && PyErr_Occurred() != nullptr) {
          PyErr_Clear();
          callback_.keep("write failed: write() returned an out-of-range count");
          return tl::unexpected(ebpc::Error::io);
        }
        if (n <= 0 || static_cast<unsigned long long>(n) > bytes.size() - done) {
          callback_.keep("write failed: write() took " + std::to_string(n) + " of " +
                         std::to_string(bytes.size() - done) + " bytes");
          return tl::unexpected(ebpc::Error::io);
        }
        done += static_cast<std::size_t>(n);
      }
      return {};
    });
  }
  void check_open() const {
    if (!w_) {
      fail("the ebpc stream is closed");
    }
  }
  void close_quietly() {
    if (w_ || out_) {
      py::gil_scoped_release release;  // the writer's threads never call Python, but joining may wait
      w_.reset();
      out_.reset();  // removes the temporary file unless committed
    }
  }
  py::object file_;
  ObjectLock lock_;
  std::unique_ptr<ebpc::AtomicFile> out_;
  std::unique_ptr<ebpc::ContainerWriter> w_;
  CallbackError callback_;
  py::dict info_;
};

class PyReader {
 public:
  PyReader(py::object file, int fd, unsigned threads, std::uint64_t max_nbytes) : file_(std::move(file)) {
    ebpc::ByteSource source;
    if (fd >= 0) {
      source = ebpc::fd_source(fd);
    } else {
      source = [this](std::span<std::uint8_t> buf) -> ebpc::Result<std::size_t> { return read_from_file(buf); };
    }
    ebpc::StreamOptions o;
    o.threads = threads;
    o.max_output_nbytes = max_nbytes;
    ebpc::Outcome<std::unique_ptr<ebpc::ContainerReader>> r = tl::unexpected(ebpc::Failure{});
    {
      py::gil_scoped_release release;
      r = ebpc::ContainerReader::open(std::move(source), o);
    }
    if (!r) {
      fail_stream(r.error(), callback_);
    }
    r_ = std::move(*r);
    info_ = header_dict(r_->header(), ebpc::serialize_header(r_->header()).size());
  }
  ~PyReader() { close_quietly(); }

  // The next chunk's elements as bytes (empty at the end).
  py::bytes next_chunk() {
    Locked held(lock_);
    if (!r_) {
      fail("the ebpc stream is closed");
    }
    ebpc::Outcome<std::span<const std::uint8_t>> c = tl::unexpected(ebpc::Failure{});
    {
      py::gil_scoped_release release;
      c = r_->next_chunk();
    }
    if (!c) {
      close_quietly();
      fail_stream(c.error(), callback_);
    }
    return {reinterpret_cast<const char*>(c->data()), c->size()};
  }
  // The next chunk's elements into out (at least a chunk's bytes); returns the byte count.
  std::size_t next_chunk_into(const py::buffer& out_buf) {
    Locked held(lock_);
    if (!r_) {
      fail("the ebpc stream is closed");
    }
    const auto out = writable_bytes_of(out_buf);
    ebpc::Outcome<std::span<const std::uint8_t>> c = tl::unexpected(ebpc::Failure{});
    {
      py::gil_scoped_release release;
      c = r_->next_chunk();
      if (c && c->size() <= out.size()) {
        std::memcpy(out.data(), c->data(), c->size());
      }
    }
    if (!c) {
      close_quietly();
      fail_stream(c.error(), callback_);
    }
    if (c->size() > out.size()) {
      fail("output buffer smaller than a chunk (internal)");
    }
    return c->size();
  }
  void close() {
    Locked held(lock_);
    close_quietly();
  }
  py::dict info() const { return info_; }

 private:
  // The source over a Python file object: read() until buf is full or the end (an empty
  // result). Any bytes-like result is taken; anything else fails.
  ebpc::Result<std::size_t> read_from_file(std::span<std::uint8_t> buf) {
    py::gil_scoped_acquire gil;
    return callback_.guard("read failed", [&]() -> ebpc::Result<std::size_t> {
      py::object read = file_.attr("read");
      std::size_t got = 0;
      while (got < buf.size()) {
        py::object b = read(buf.size() - got);
        if (b.is_none()) {
          callback_.keep("read failed: read() returned None (a non-blocking file with no data ready?)");
          return tl::unexpected(ebpc::Error::io);
        }
        ByteView v;
        if (!v.get(b)) {
          callback_.keep("read failed: read() returned " + type_name(b) + ", not bytes");
          return tl::unexpected(ebpc::Error::io);
        }
        if (v.size() == 0) {
          break;
        }
        if (v.size() > buf.size() - got) {
          callback_.keep("read failed: read() returned more bytes than asked");
          return tl::unexpected(ebpc::Error::io);
        }
        std::memcpy(buf.data() + got, v.data(), v.size());
        got += v.size();
      }
      return got;
    });
  }
  void close_quietly() {
    if (r_) {
      py::gil_scoped_release release;  // the reader's thread may wait for the GIL in the source
      r_.reset();
    }
  }
  py::object file_;
  ObjectLock lock_;
  std::unique_ptr<ebpc::ContainerReader> r_;
  CallbackError callback_;
  py::dict info_;
};

}  // namespace

PYBIND11_MODULE(_ebpc, m) {
  m.doc() = "ebpc: Extended Bit-Plane Compression (C++ extension; use the ebpc package)";
  m.attr("__version__") = ebpc_version();  // the library's: VERSION at the top of the repository
  static py::exception<PyError> exc(m, "Error", PyExc_ValueError);
  g_error_type = exc;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) {
        std::rethrow_exception(p);
      }
    } catch (const PyError& e) {
      PyErr_SetString(exc.ptr(), e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory");
    }
  });
  m.def("compress", &compress, py::arg("data"), py::arg("dtype"), py::arg("shape"), py::arg("fortran"),
        py::arg("codec"), py::arg("width"), py::arg("block"), py::arg("max_zero_run"), py::arg("level"),
        py::arg("chunk_nwords"), py::arg("threads"));
  m.def("header", &header, py::arg("buf"));
  m.def("check_input", &check_input, py::arg("buf"), py::arg("max_output_nbytes"));
  m.def("decompress_into", &decompress_into, py::arg("buf"), py::arg("out"), py::arg("threads"));
  m.def("measure", &measure, py::arg("data"), py::arg("dtype"), py::arg("shape"), py::arg("fortran"), py::arg("codecs"),
        py::arg("width"), py::arg("block"), py::arg("max_zero_run"));
  m.def("hw_encode", &hw_encode, py::arg("data"), py::arg("dtype"), py::arg("width"), py::arg("block"),
        py::arg("max_zero_run"));
  m.def("hw_decode", &hw_decode, py::arg("znz"), py::arg("bpc"), py::arg("count"), py::arg("dtype"), py::arg("width"),
        py::arg("block"), py::arg("max_zero_run"), py::arg("out"));
#ifdef EBPC_PY_HAVE_HW
  m.def("hw_sim", &hw_sim, py::arg("data"), py::arg("dtype"), py::arg("width"), py::arg("block"), py::arg("out_ready"),
        py::arg("in_bubble"), py::arg("seed"), py::arg("fix_last_bpc_hang"));
#endif
  m.def("quantise", &quantise, py::arg("values"), py::arg("src_dtype"), py::arg("format"), py::arg("max_abs"),
        py::arg("out"));
  m.def("max_abs", &max_abs, py::arg("values"), py::arg("src_dtype"));
  py::class_<PyWriter>(m, "StreamWriter")
      .def(py::init<py::object, const std::string&, const std::string&, const std::vector<std::uint64_t>&, bool,
                    const std::string&,
                    unsigned, unsigned, unsigned, int, std::uint32_t, unsigned>())
      .def("write", &PyWriter::write)
      .def("finish", &PyWriter::finish)
      .def("abandon", &PyWriter::abandon)
      .def("info", &PyWriter::info);
  py::class_<PyReader>(m, "StreamReader")
      .def(py::init<py::object, int, unsigned, std::uint64_t>())
      .def("next_chunk", &PyReader::next_chunk)
      .def("next_chunk_into", &PyReader::next_chunk_into)
      .def("close", &PyReader::close)
      .def("info", &PyReader::info);
  m.def("formats", [] {
    // ebpc eval's number formats: name -> (W, storage dtype).
    py::dict d;
    for (const auto& f : ebpc::eval::format_table()) {
      d[py::str(std::string(f.name))] = py::make_tuple(f.word_nbits, std::string(ebpc::dtype_info(f.storage)->name));
    }
    return d;
  });
  m.attr("default_chunk_nwords") = ebpc::k_default_chunk_nwords;
  m.attr("measure_default_codecs") = std::string(ebpc::k_measure_default_codecs);
  m.attr("eval_default_codecs") = std::string(ebpc::eval::k_default_codecs);
  m.attr("eval_default_formats") = std::string(ebpc::eval::k_default_formats);
  m.attr("default_threads") = ebpc::default_thread_count();
}
