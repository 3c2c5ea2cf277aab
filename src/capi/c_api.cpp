// The C API (include/ebpc/ebpc.h) over the C++ one. Every entry point catches everything
// (no exception crosses into C) and checks its pointers.
#include <ebpc/ebpc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>
#include <ebpc/ebpc.hpp>
#include <ebpc/stream.hpp>
#include <new>
#include <string>
#include <type_traits>

// The sizes of the structs in version 2 (include/ebpc/ebpc.h, "ABI"): the smallest
// struct_nbytes the library accepts. A later version adds fields at the end and keeps these.
constexpr std::size_t k_v2_codec_params_nbytes = 32;
constexpr std::size_t k_v2_coded_size_nbytes = 56;
constexpr std::size_t k_v2_array_info_nbytes = 24 + 8 * EBPC_MAX_NDIM;
static_assert(sizeof(ebpc_codec_params) == k_v2_codec_params_nbytes);
static_assert(sizeof(ebpc_coded_size) == k_v2_coded_size_nbytes);
static_assert(sizeof(ebpc_array_info) == k_v2_array_info_nbytes);
// A struct_nbytes past this is taken for an uninitialised field, not a larger struct.
constexpr std::size_t k_max_struct_nbytes = 4096;
static_assert(EBPC_MAX_NDIM == ebpc::k_max_ndim);
// The C enums are the C++ ones by value (the calls cast between them).
static_assert(EBPC_CODEC_EBPC == static_cast<int>(ebpc::CodecId::ebpc) &&
              EBPC_CODEC_DEFLATE == static_cast<int>(ebpc::CodecId::deflate) &&
              EBPC_CODEC_EBPCX == static_cast<int>(ebpc::CodecId::ebpcx));
static_assert(EBPC_DTYPE_INT8 == static_cast<int>(ebpc::DType::int8) &&
              EBPC_DTYPE_BFLOAT16 == static_cast<int>(ebpc::DType::bfloat16));
static_assert(EBPC_ERR_CANCELLED == static_cast<int>(ebpc::Error::cancelled));

namespace {

thread_local std::string t_message;

int fail(int status, std::string message) {
  t_message = std::move(message);
  return status;
}
int fail(ebpc::Error e) {
  return fail(static_cast<int>(e), std::string(ebpc::error_message(e)));
}
int fail(const ebpc::Failure& f) {
  return fail(static_cast<int>(f.code), f.message);
}
int bad_parameter(const char* what) {
  return fail(EBPC_ERR_BAD_PARAMETER, std::string(what));
}

// Runs body, turning exceptions into statuses.
template <class F>
int guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(EBPC_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(EBPC_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(EBPC_ERR_INTERNAL, "internal error");
  }
}

template <class T>
constexpr std::size_t v2_nbytes() {
  if constexpr (std::is_same_v<T, ebpc_codec_params>) {
    return k_v2_codec_params_nbytes;
  } else if constexpr (std::is_same_v<T, ebpc_coded_size>) {
    return k_v2_coded_size_nbytes;
  } else {
    return k_v2_array_info_nbytes;
  }
}

// EBPC_OK if a caller's struct_nbytes can be used (ebpc.h, "ABI").
template <class T>
int check_struct_nbytes(std::size_t n, const char* name) {
  if (n < v2_nbytes<T>() || n > k_max_struct_nbytes) {
    return fail(EBPC_ERR_BAD_PARAMETER, std::string(name) + ".struct_nbytes is " + std::to_string(n) +
                                            ", not a struct size (sizeof(" + name + ") is " +
                                            std::to_string(sizeof(T)) + " in this library's header)");
  }
  return EBPC_OK;
}

// A caller's struct as this library's: the first struct_nbytes bytes, fields the caller's
// struct lacks value-initialised (their defaults), fields this library lacks required to be 0.
template <class T>
int read_struct(const T* in, const char* name, T& out) {
  const std::size_t n = in->struct_nbytes;
  if (int st = check_struct_nbytes<T>(n, name); st != EBPC_OK) {
    return st;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(in);
  for (std::size_t i = sizeof(T); i < n; ++i) {
    if (bytes[i] != 0) {
      return fail(EBPC_ERR_UNSUPPORTED, std::string(name) + " sets a field at byte " + std::to_string(i) +
                                            " that this library (C API version " + std::to_string(EBPC_C_API_VERSION) +
                                            ") does not know");
    }
  }
  out = T{};
  std::memcpy(&out, in, std::min(n, sizeof(T)));
  return EBPC_OK;
}

// value into a caller's struct: the first struct_nbytes bytes (struct_nbytes left as the
// caller set it), zeros past the fields this library knows.
template <class T>
int write_struct(T* out, const char* name, const T& value) {
  const std::size_t n = out->struct_nbytes;
  if (int st = check_struct_nbytes<T>(n, name); st != EBPC_OK) {
    return st;
  }
  auto* bytes = reinterpret_cast<unsigned char*>(out);
  std::memcpy(bytes + sizeof(std::uint32_t), reinterpret_cast<const unsigned char*>(&value) + sizeof(std::uint32_t),
              std::min(n, sizeof(T)) - sizeof(std::uint32_t));
  if (n > sizeof(T)) {
    std::memset(bytes + sizeof(T), 0, n - sizeof(T));
  }
  return EBPC_OK;
}

// Where the codec parameters are used: lanes 0 means 1 for a buffer, the container default
// for a container.
enum class Use { buffer, container };

ebpc::CodecParams to_cpp(const ebpc_codec_params& p, Use use) {
  ebpc::CodecParams c;
  c.id = static_cast<ebpc::CodecId>(p.codec);
  c.word_nbits = p.word_nbits;
  c.elem_nbytes = p.elem_nbytes;
  c.block_nwords = p.block_nwords;
  c.max_zero_run_nwords = p.max_zero_run_nwords;
  c.level = p.level;
  c.lanes = p.lanes != 0 ? p.lanes : use == Use::container && c.id == ebpc::CodecId::ebpc ? ebpc::k_default_lanes : 1;
  return c;
}

// *p as codec parameters (read_struct, then to_cpp); EBPC_OK or a status with its message.
int load(const ebpc_codec_params* p, Use use, ebpc::CodecParams& c) {
  ebpc_codec_params q;
  if (int st = read_struct(p, "ebpc_codec_params", q); st != EBPC_OK) {
    return st;
  }
  c = to_cpp(q, use);
  return EBPC_OK;
}

ebpc_codec_params to_c(const ebpc::CodecParams& c) {
  return ebpc_codec_params{sizeof(ebpc_codec_params),
                           static_cast<uint32_t>(c.id),
                           c.word_nbits,
                           c.elem_nbytes,
                           c.block_nwords,
                           c.max_zero_run_nwords,
                           c.level,
                           c.lanes};
}

ebpc_coded_size to_c(const ebpc::CodedSize& s) {
  return ebpc_coded_size{sizeof(ebpc_coded_size), 0,           s.nbytes,   s.stream0_nbytes, s.exact_nbits,
                         s.padded_nbits,          s.znz_nbits, s.bpc_nbits};
}

// A container header from the C structs; bad_parameter for anything inconsistent.
ebpc::Result<ebpc::ContainerHeader> to_header(const ebpc::CodecParams& codec, const ebpc_array_info& info) {
  ebpc::ContainerHeader h;
  h.codec = codec;
  h.dtype = static_cast<ebpc::DType>(info.dtype);
  const ebpc::DTypeInfo* d = ebpc::dtype_info(h.dtype);
  if (d == nullptr || d->nbytes != codec.elem_nbytes || info.ndim > EBPC_MAX_NDIM) {
    return tl::unexpected(ebpc::Error::bad_parameter);
  }
  h.shape.assign(info.shape, info.shape + info.ndim);
  h.fortran_order = info.fortran_order != 0;
  h.chunk_nwords = info.chunk_nwords == 0 ? ebpc::k_default_chunk_nwords : info.chunk_nwords;
  std::uint64_t n = 1;
  for (auto s : h.shape) {
    if (s != 0 && n > UINT64_MAX / 8 / s) {
      return tl::unexpected(ebpc::Error::bad_parameter);
    }
    n *= s;
  }
  h.nwords = n;
  if (auto v = ebpc::validate(h); !v) {
    return tl::unexpected(ebpc::Error::bad_parameter);
  }
  return h;
}

// The header into the caller's structs (either may be NULL); EBPC_OK or a status.
int to_c(const ebpc::ContainerHeader& h, ebpc_codec_params* p, ebpc_array_info* info) {
  if (p != nullptr) {
    if (int st = write_struct(p, "ebpc_codec_params", to_c(h.codec)); st != EBPC_OK) {
      return st;
    }
  }
  if (info != nullptr) {
    ebpc_array_info a{};
    a.struct_nbytes = sizeof a;
    a.dtype = static_cast<uint32_t>(h.dtype);
    a.ndim = static_cast<uint32_t>(h.shape.size());
    for (std::size_t i = 0; i < h.shape.size(); ++i) {
      a.shape[i] = h.shape[i];
    }
    a.fortran_order = h.fortran_order ? 1 : 0;
    a.chunk_nwords = h.chunk_nwords;
    return write_struct(info, "ebpc_array_info", a);
  }
  return EBPC_OK;
}

// The caller's output structs checked before any work is done.
int check_outputs(const ebpc_codec_params* p, const ebpc_array_info* info) {
  if (p != nullptr) {
    if (int st = check_struct_nbytes<ebpc_codec_params>(p->struct_nbytes, "ebpc_codec_params"); st != EBPC_OK) {
      return st;
    }
  }
  if (info != nullptr) {
    return check_struct_nbytes<ebpc_array_info>(info->struct_nbytes, "ebpc_array_info");
  }
  return EBPC_OK;
}

// The header from the caller's structs; EBPC_OK or a status.
int load_header(const ebpc_codec_params* params, const ebpc_array_info* info, ebpc::ContainerHeader& h) {
  ebpc::CodecParams c;
  if (int st = load(params, Use::container, c); st != EBPC_OK) {
    return st;
  }
  ebpc_array_info a;
  if (int st = read_struct(info, "ebpc_array_info", a); st != EBPC_OK) {
    return st;
  }
  auto r = to_header(c, a);
  if (!r) {
    return bad_parameter("invalid codec parameters or array info");
  }
  h = std::move(*r);
  return EBPC_OK;
}

ebpc::ByteSource c_source(ebpc_read_fn read, void* user) {
  return [read, user](std::span<std::uint8_t> buf) -> ebpc::Result<std::size_t> {
    std::size_t got = 0;
    while (got < buf.size()) {
      const int64_t r = read(user, buf.data() + got, buf.size() - got);
      if (r < 0 || static_cast<std::uint64_t>(r) > buf.size() - got) {
        return tl::unexpected(ebpc::Error::io);
      }
      if (r == 0) {
        break;
      }
      got += static_cast<std::size_t>(r);
    }
    return got;
  };
}

ebpc::ByteSink c_sink(ebpc_write_fn write, void* user) {
  return [write, user](std::span<const std::uint8_t> bytes) -> ebpc::Result<void> {
    if (write(user, bytes.data(), bytes.size()) != 0) {
      return tl::unexpected(ebpc::Error::io);
    }
    return {};
  };
}

}  // namespace

struct ebpc_writer {
  std::unique_ptr<ebpc::ContainerWriter> w;
};
struct ebpc_reader {
  std::unique_ptr<ebpc::ContainerReader> r;
};

extern "C" {

const char* ebpc_version(void) {
  return EBPC_VERSION_STRING;
}

const char* ebpc_status_string(int status) {
  switch (status) {
    case EBPC_OK:
      return "ok";
    case EBPC_ERR_OUT_OF_MEMORY:
      return "out of memory";
    case EBPC_ERR_INTERNAL:
      return "internal error";
    default:
      break;
  }
  if (status >= EBPC_ERR_TRUNCATED && status <= EBPC_ERR_CANCELLED) {
    return ebpc::error_message(static_cast<ebpc::Error>(status)).data();
  }
  return "unknown status";
}

const char* ebpc_last_error_message(void) {
  return t_message.c_str();
}

int ebpc_codec_params_set_defaults(ebpc_codec_params* params, size_t struct_nbytes, uint32_t codec,
                                   uint32_t elem_nbytes) {
  if (params == nullptr) {
    return bad_parameter("NULL argument");
  }
  if (int st = check_struct_nbytes<ebpc_codec_params>(struct_nbytes, "ebpc_codec_params"); st != EBPC_OK) {
    return st;
  }
  params->struct_nbytes = static_cast<uint32_t>(struct_nbytes);
  return write_struct(params, "ebpc_codec_params",
                      ebpc_codec_params{sizeof(ebpc_codec_params), codec, elem_nbytes * 8, elem_nbytes, 8, 16, 0, 0});
}

int ebpc_codec_params_parse(ebpc_codec_params* params, const char* spec) {
  return guarded([&]() -> int {
    if (params == nullptr || spec == nullptr) {
      return bad_parameter("NULL argument");
    }
    // Only codec, level and lanes are set (ebpc.h): the other fields may be uninitialised,
    // so only struct_nbytes is read.
    if (int st = check_struct_nbytes<ebpc_codec_params>(params->struct_nbytes, "ebpc_codec_params"); st != EBPC_OK) {
      return st;
    }
    ebpc::CodecParams c;
    bool lanes_given = false;
    if (auto r = ebpc::parse_codec_spec(spec, c, &lanes_given); !r) {
      return fail(EBPC_ERR_BAD_PARAMETER,
                  std::string("unknown codec '") + spec + "' (" + std::string(ebpc::k_codec_list) + ")");
    }
    params->codec = static_cast<uint32_t>(c.id);
    params->level = c.level;
    params->lanes = lanes_given ? c.lanes : 0;
    return EBPC_OK;
  });
}

namespace {

// ebpc_bound_nbytes of parameters already loaded: 0 where they are invalid.
size_t bound_of(const ebpc::CodecParams& c, size_t nwords) {
  if (!ebpc::validate(c) || nwords > SIZE_MAX / 8 / c.elem_nbytes) {
    return 0;
  }
  return ebpc::find_codec(c.id)->bound_nbytes(nwords, c);
}

}  // namespace

size_t ebpc_bound_nbytes(const ebpc_codec_params* params, size_t nwords) {
  ebpc::CodecParams c;
  if (params == nullptr || load(params, Use::buffer, c) != EBPC_OK) {
    return 0;
  }
  return bound_of(c, nwords);
}

int ebpc_encode(const ebpc_codec_params* params, const void* words, size_t nwords, void* out, size_t out_nbytes,
                ebpc_coded_size* size_out) {
  return guarded([&]() -> int {
    if (params == nullptr || (words == nullptr && nwords != 0) || out == nullptr) {
      return bad_parameter("NULL argument");
    }
    ebpc::CodecParams c;
    if (int st = load(params, Use::buffer, c); st != EBPC_OK) {
      return st;
    }
    if (size_out != nullptr) {
      if (int st = check_struct_nbytes<ebpc_coded_size>(size_out->struct_nbytes, "ebpc_coded_size"); st != EBPC_OK) {
        return st;
      }
    }
    if (auto v = ebpc::validate(c); !v || nwords > SIZE_MAX / 8 / c.elem_nbytes) {
      return bad_parameter("invalid codec parameters");
    }
    const ebpc::Codec* codec = ebpc::find_codec(c.id);
    auto r = codec->encode(std::span(static_cast<const std::uint8_t*>(words), nwords * c.elem_nbytes), c,
                           std::span(static_cast<std::uint8_t*>(out), out_nbytes));
    if (!r) {
      return fail(r.error());
    }
    return size_out != nullptr ? write_struct(size_out, "ebpc_coded_size", to_c(*r)) : EBPC_OK;
  });
}

int ebpc_decode(const ebpc_codec_params* params, const void* in, size_t in_nbytes, size_t stream0_nbytes,
                void* words_out, size_t nwords) {
  return guarded([&]() -> int {
    if (params == nullptr || (in == nullptr && in_nbytes != 0) || (words_out == nullptr && nwords != 0)) {
      return bad_parameter("NULL argument");
    }
    ebpc::CodecParams c;
    if (int st = load(params, Use::buffer, c); st != EBPC_OK) {
      return st;
    }
    if (auto v = ebpc::validate(c); !v || nwords > SIZE_MAX / 8 / c.elem_nbytes) {
      return bad_parameter("invalid codec parameters");
    }
    auto r =
        ebpc::find_codec(c.id)->decode(std::span(static_cast<const std::uint8_t*>(in), in_nbytes), stream0_nbytes, c,
                                       std::span(static_cast<std::uint8_t*>(words_out), nwords * c.elem_nbytes));
    return r ? EBPC_OK : fail(r.error());
  });
}

int ebpc_measure(const ebpc_codec_params* params, const void* words, size_t nwords, ebpc_coded_size* size_out) {
  return guarded([&]() -> int {
    if (params == nullptr) {
      return bad_parameter("NULL argument");
    }
    ebpc::CodecParams c;
    if (int st = load(params, Use::buffer, c); st != EBPC_OK) {
      return st;
    }
    const size_t bound = bound_of(c, nwords);
    if (bound == 0) {
      return bad_parameter("invalid codec parameters");
    }
    ebpc::ByteBuffer scratch(bound);  // written by the encoder only: not zero-filled
    return ebpc_encode(params, words, nwords, scratch.data(), scratch.size(), size_out);
  });
}

int ebpc_compress(const ebpc_codec_params* params, const ebpc_array_info* info, const void* data, size_t data_nbytes,
                  unsigned threads, void** out, size_t* out_nbytes) {
  return guarded([&]() -> int {
    if (params == nullptr || info == nullptr || (data == nullptr && data_nbytes != 0) || out == nullptr ||
        out_nbytes == nullptr) {
      return bad_parameter("NULL argument");
    }
    *out = nullptr;
    *out_nbytes = 0;
    ebpc::ContainerHeader hdr;
    if (int st = load_header(params, info, hdr); st != EBPC_OK) {
      return st;
    }
    const ebpc::ContainerHeader* h = &hdr;
    if (data_nbytes != h->nwords * h->codec.elem_nbytes) {
      return bad_parameter("data size does not match the array's shape and dtype");
    }
    std::vector<std::uint8_t> bytes;
    ebpc::StreamOptions so;
    so.threads = threads;
    auto w = ebpc::ContainerWriter::create(*h, ebpc::vector_sink(bytes), so);
    if (!w) {
      return fail(w.error());
    }
    if (auto r = (*w)->write(std::span(static_cast<const std::uint8_t*>(data), data_nbytes)); !r) {
      return fail(r.error());
    }
    if (auto r = (*w)->finish(); !r) {
      return fail(r.error());
    }
    void* p = std::malloc(bytes.empty() ? 1 : bytes.size());
    if (p == nullptr) {
      return fail(EBPC_ERR_OUT_OF_MEMORY, "out of memory");
    }
    std::memcpy(p, bytes.data(), bytes.size());
    *out = p;
    *out_nbytes = bytes.size();
    return EBPC_OK;
  });
}

int ebpc_decompress(const void* in, size_t in_nbytes, uint64_t max_output_nbytes, unsigned threads,
                    ebpc_codec_params* params_out, ebpc_array_info* info_out, void** out, size_t* out_nbytes) {
  return guarded([&]() -> int {
    if ((in == nullptr && in_nbytes != 0) || out == nullptr || out_nbytes == nullptr) {
      return bad_parameter("NULL argument");
    }
    *out = nullptr;
    *out_nbytes = 0;
    if (int st = check_outputs(params_out, info_out); st != EBPC_OK) {
      return st;
    }
    ebpc::StreamOptions so;
    so.threads = threads;
    so.max_output_nbytes = max_output_nbytes;
    auto r = ebpc::ContainerReader::open(
        ebpc::memory_source(std::span(static_cast<const std::uint8_t*>(in), in_nbytes)), so);
    if (!r) {
      return fail(r.error());
    }
    const ebpc::ContainerHeader& h = (*r)->header();
    const auto nbytes = static_cast<std::size_t>(h.nwords * h.codec.elem_nbytes);
    void* p = std::malloc(nbytes == 0 ? 1 : nbytes);
    if (p == nullptr) {
      return fail(EBPC_ERR_OUT_OF_MEMORY, "out of memory");
    }
    if (auto all = (*r)->read_all(std::span(static_cast<std::uint8_t*>(p), nbytes)); !all) {
      std::free(p);
      return fail(all.error());
    }
    (void)to_c(h, params_out, info_out);  // checked above
    *out = p;
    *out_nbytes = nbytes;
    return EBPC_OK;
  });
}

void ebpc_free(void* p) {
  std::free(p);
}

int ebpc_writer_create(const ebpc_codec_params* params, const ebpc_array_info* info, unsigned threads,
                       ebpc_write_fn write, void* user, ebpc_writer** writer_out) {
  return guarded([&]() -> int {
    if (params == nullptr || info == nullptr || write == nullptr || writer_out == nullptr) {
      return bad_parameter("NULL argument");
    }
    *writer_out = nullptr;
    ebpc::ContainerHeader hdr;
    if (int st = load_header(params, info, hdr); st != EBPC_OK) {
      return st;
    }
    const ebpc::ContainerHeader* h = &hdr;
    ebpc::StreamOptions so;
    so.threads = threads;
    auto w = ebpc::ContainerWriter::create(*h, c_sink(write, user), so);
    if (!w) {
      return fail(w.error());
    }
    *writer_out = new ebpc_writer{std::move(*w)};
    return EBPC_OK;
  });
}

int ebpc_writer_write(ebpc_writer* writer, const void* data, size_t nbytes) {
  return guarded([&]() -> int {
    if (writer == nullptr || (data == nullptr && nbytes != 0)) {
      return bad_parameter("NULL argument");
    }
    auto r = writer->w->write(std::span(static_cast<const std::uint8_t*>(data), nbytes));
    return r ? EBPC_OK : fail(r.error());
  });
}

int ebpc_writer_finish(ebpc_writer* writer) {
  return guarded([&]() -> int {
    if (writer == nullptr) {
      return bad_parameter("NULL argument");
    }
    auto r = writer->w->finish();
    return r ? EBPC_OK : fail(r.error());
  });
}

void ebpc_writer_free(ebpc_writer* writer) {
  delete writer;
}

int ebpc_reader_open(ebpc_read_fn read, void* user, unsigned threads, uint64_t max_output_nbytes,
                     ebpc_reader** reader_out) {
  return guarded([&]() -> int {
    if (read == nullptr || reader_out == nullptr) {
      return bad_parameter("NULL argument");
    }
    *reader_out = nullptr;
    ebpc::StreamOptions so;
    so.threads = threads;
    so.max_output_nbytes = max_output_nbytes;
    auto r = ebpc::ContainerReader::open(c_source(read, user), so);
    if (!r) {
      return fail(r.error());
    }
    *reader_out = new ebpc_reader{std::move(*r)};
    return EBPC_OK;
  });
}

int ebpc_reader_info(const ebpc_reader* reader, ebpc_codec_params* params_out, ebpc_array_info* info_out) {
  return guarded([&]() -> int {
    if (reader == nullptr) {
      return bad_parameter("NULL argument");
    }
    if (int st = check_outputs(params_out, info_out); st != EBPC_OK) {
      return st;
    }
    return to_c(reader->r->header(), params_out, info_out);
  });
}

int64_t ebpc_reader_read(ebpc_reader* reader, void* buf, size_t nbytes) {
  int64_t result = 0;
  const int status = guarded([&]() -> int {
    if (reader == nullptr || (buf == nullptr && nbytes != 0) || nbytes > INT64_MAX) {
      return bad_parameter("NULL argument");
    }
    auto r = reader->r->read(std::span(static_cast<std::uint8_t*>(buf), nbytes));
    if (!r) {
      return fail(r.error());
    }
    result = static_cast<int64_t>(*r);
    return EBPC_OK;
  });
  return status == EBPC_OK ? result : -static_cast<int64_t>(status);
}

void ebpc_reader_free(ebpc_reader* reader) {
  delete reader;
}

}  // extern "C"
