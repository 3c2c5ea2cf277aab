// The EBPC HDF5 filter plugin (libh5ebpc.so, docs/hdf5.md): each chunk is stored as one
// complete .ebpc container (docs/format.md), written by compress_container_into and read
// by decompress_container_into, so every chunk is self-describing and checksummed and a
// corrupt one is an HDF5 error, never a crash. HDF5 finds the plugin in HDF5_PLUGIN_PATH
// through H5PLget_plugin_type / H5PLget_plugin_info.
//
// Only the public API of the library is used (include/ebpc/container.hpp).
#include <H5PLextern.h>
#include <hdf5.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <string>

#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>

#include "h5ebpc.h"

namespace {

constexpr unsigned k_default_block_nwords = 8;
constexpr unsigned k_default_max_zero_run_nwords = 16;
constexpr std::uint64_t k_max_hdf5_chunk_nbytes = 0xFFFFFFFFu;  // HDF5 chunks are below 4 GiB

// Every failure goes onto HDF5's error stack with its one-line reason (h5py raises it,
// h5dump prints it); the callbacks then return their failure value.
void push_error(const char* func, unsigned line, hid_t minor, const std::string& message) {
  H5Epush2(H5E_DEFAULT, __FILE__, func, line, H5E_ERR_CLS, H5E_PLINE, minor, "ebpc filter: %s", message.c_str());
}
#define H5EBPC_FAIL(minor, message, ret)           \
  do {                                             \
    push_error(__func__, __LINE__, minor, message); \
    return ret;                                    \
  } while (0)

// The .ebpc dtype a dataset's elements are coded as (docs/hdf5.md "Types"): little-endian
// 8/16/32-bit integers as themselves, IEEE binary16/binary32 as float16/float32, other
// little-endian 8/16/32-bit types (enums, bitfields, other float layouts) as unsigned
// words of their size (bit patterns, lossless); everything else with a fixed size (64-bit
// numbers, big-endian, compound, strings, opaque, arrays) as bytes (uint8). *as_bytes says
// which of the last case it is. false when the type cannot be read.
bool element_dtype(hid_t type, ebpc::DType* dtype, bool* as_bytes) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t nbytes = H5Tget_size(type);
  if (cls == H5T_NO_CLASS || nbytes == 0) {
    return false;
  }
  *as_bytes = false;
  const bool little = H5Tget_order(type) == H5T_ORDER_LE || nbytes == 1;
  const bool word_sized = nbytes == 1 || nbytes == 2 || nbytes == 4;
  if (!little || !word_sized || (cls != H5T_INTEGER && cls != H5T_FLOAT && cls != H5T_ENUM && cls != H5T_BITFIELD)) {
    *dtype = ebpc::DType::uint8;
    *as_bytes = true;
    return true;
  }
  const ebpc::DType unsigned_of_size[] = {ebpc::DType::uint8, ebpc::DType::uint16, ebpc::DType::uint8,
                                          ebpc::DType::uint32};
  *dtype = unsigned_of_size[nbytes - 1];
  if (cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2) {
    const ebpc::DType signed_of_size[] = {ebpc::DType::int8, ebpc::DType::int16, ebpc::DType::int8,
                                          ebpc::DType::int32};
    *dtype = signed_of_size[nbytes - 1];
  } else if (cls == H5T_FLOAT && nbytes != 1) {
    std::size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
    if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) >= 0 && mpos == 0) {
      if (nbytes == 2 && spos == 15 && epos == 10 && esize == 5 && msize == 10) {
        *dtype = ebpc::DType::float16;
      } else if (nbytes == 4 && spos == 31 && epos == 23 && esize == 8 && msize == 23) {
        *dtype = ebpc::DType::float32;
      }
    }
  }
  return true;
}

// The container header of one chunk of chunk_nbytes bytes under the options in cd.
ebpc::Outcome<ebpc::ContainerHeader> chunk_header(const unsigned* cd, std::uint64_t chunk_nbytes) {
  const ebpc::DTypeInfo* info = ebpc::dtype_info(static_cast<ebpc::DType>(cd[H5EBPC_CD_DTYPE] & 0xFFu));
  if (info == nullptr || cd[H5EBPC_CD_DTYPE] > 0xFFu) {
    return tl::unexpected(ebpc::Failure{ebpc::Error::corrupt, "unknown dtype id " +
                                                                  std::to_string(cd[H5EBPC_CD_DTYPE]) +
                                                                  " in the filter's parameters"});
  }
  const ebpc::Codec* codec = ebpc::find_codec(static_cast<ebpc::CodecId>(cd[H5EBPC_CD_CODEC] & 0xFFu));
  if (codec == nullptr || cd[H5EBPC_CD_CODEC] > 0xFFu) {
    return tl::unexpected(ebpc::Failure{ebpc::Error::bad_parameter,
                                        "unknown codec id " + std::to_string(cd[H5EBPC_CD_CODEC]) +
                                            " (1 ebpc, 2 zvc, 3 zrle, 4 bpc, 5 zstd, 6 lz4, 7 deflate)"});
  }
  if (chunk_nbytes % info->nbytes != 0) {
    return tl::unexpected(ebpc::Failure{ebpc::Error::bad_parameter, "chunk of " + std::to_string(chunk_nbytes) +
                                                                        " bytes is not a whole number of " +
                                                                        std::string(info->name) + " elements"});
  }
  ebpc::ArrayOptions options;
  options.codec = std::string(codec->name);
  options.word_nbits = cd[H5EBPC_CD_WIDTH];
  options.block_nwords = cd[H5EBPC_CD_BLOCK];
  options.max_zero_run_nwords = cd[H5EBPC_CD_ZERO_RUN];
  options.level = std::bit_cast<int>(cd[H5EBPC_CD_LEVEL]);
  const std::uint64_t shape[1] = {chunk_nbytes / info->nbytes};
  return ebpc::make_container_header(info->id, shape, false, options);
}

// Variable-length data is a heap reference in the chunk, not the data: refused.
htri_t can_apply(hid_t /*dcpl*/, hid_t type, hid_t /*space*/) {
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_VLEN || (cls == H5T_STRING && H5Tis_variable_str(type) > 0)) {
    return 0;
  }
  return cls == H5T_NO_CLASS ? -1 : 1;
}

// Fills in the defaults, the dtype and the chunk size (H5EBPC_CD_*), and checks the options
// now, so that a dataset with impossible ones is never created.
herr_t set_local(hid_t dcpl, hid_t type, hid_t /*space*/) noexcept try {
  unsigned flags = 0;
  std::size_t n = H5EBPC_CD_NELMTS;
  unsigned cd[H5EBPC_CD_NELMTS] = {};
  if (H5Pget_filter_by_id2(dcpl, H5Z_FILTER_EBPC, &flags, &n, cd, 0, nullptr, nullptr) < 0) {
    H5EBPC_FAIL(H5E_CANTINIT, "cannot read the filter's parameters", -1);
  }
  for (std::size_t i = n < H5EBPC_CD_USER_NELMTS ? n : H5EBPC_CD_USER_NELMTS; i < H5EBPC_CD_NELMTS; ++i) {
    cd[i] = 0;  // values the caller left out (or a previous set_local wrote) are derived anew
  }
  ebpc::DType dtype = ebpc::DType::uint8;
  bool as_bytes = false;
  if (!element_dtype(type, &dtype, &as_bytes)) {
    H5EBPC_FAIL(H5E_BADTYPE, "cannot read the dataset's element type", -1);
  }
  hsize_t dims[H5S_MAX_RANK] = {};
  const int ndims = H5Pget_chunk(dcpl, H5S_MAX_RANK, dims);
  if (ndims <= 0) {
    H5EBPC_FAIL(H5E_CANTINIT, "the dataset is not chunked", -1);
  }
  std::uint64_t chunk_nbytes = H5Tget_size(type);
  for (int i = 0; i < ndims; ++i) {
    if (dims[i] == 0 || chunk_nbytes > k_max_hdf5_chunk_nbytes / dims[i]) {
      H5EBPC_FAIL(H5E_CANTINIT, "chunk size is 0 or above 4 GiB", -1);
    }
    chunk_nbytes *= dims[i];
  }
  if (cd[H5EBPC_CD_CODEC] == 0) {
    cd[H5EBPC_CD_CODEC] = static_cast<unsigned>(as_bytes ? ebpc::CodecId::zstd : ebpc::CodecId::ebpc);
  }
  if (cd[H5EBPC_CD_BLOCK] == 0) {
    cd[H5EBPC_CD_BLOCK] = k_default_block_nwords;
  }
  if (cd[H5EBPC_CD_ZERO_RUN] == 0) {
    cd[H5EBPC_CD_ZERO_RUN] = k_default_max_zero_run_nwords;
  }
  cd[H5EBPC_CD_VERSION] = H5EBPC_CD_LAYOUT_VERSION;
  cd[H5EBPC_CD_DTYPE] = static_cast<unsigned>(dtype);
  cd[H5EBPC_CD_CHUNK_NBYTES] = static_cast<unsigned>(chunk_nbytes);
  const auto header = chunk_header(cd, chunk_nbytes);
  if (!header) {
    H5EBPC_FAIL(H5E_BADVALUE, header.error().message, -1);
  }
  cd[H5EBPC_CD_WIDTH] = header->codec.word_nbits;
  if (H5Pmodify_filter(dcpl, H5Z_FILTER_EBPC, flags, H5EBPC_CD_NELMTS, cd) < 0) {
    H5EBPC_FAIL(H5E_CANTINIT, "cannot store the filter's parameters", -1);
  }
  return 0;
} catch (...) {  // std::bad_alloc from the strings
  push_error(__func__, __LINE__, H5E_NOSPACE, "out of memory");
  return -1;
}

// One chunk -> one .ebpc container.
std::size_t encode(const unsigned* cd, std::size_t nbytes, std::size_t* buf_size, void** buf) {
  const std::uint64_t chunk_nbytes = cd[H5EBPC_CD_CHUNK_NBYTES];
  if (nbytes != chunk_nbytes) {
    H5EBPC_FAIL(H5E_CANTFILTER,
                "got " + std::to_string(nbytes) + " bytes, the dataset's chunks have " + std::to_string(chunk_nbytes) +
                    " (the EBPC filter must come before any filter that changes the size)",
                0);
  }
  const auto header = chunk_header(cd, chunk_nbytes);
  if (!header) {
    H5EBPC_FAIL(H5E_CANTFILTER, header.error().message, 0);
  }
  const std::size_t bound = ebpc::container_bound_nbytes(*header);
  void* out = H5allocate_memory(bound, false);
  if (out == nullptr) {
    H5EBPC_FAIL(H5E_NOSPACE, "cannot allocate " + std::to_string(bound) + " bytes", 0);
  }
  const auto written =
      ebpc::compress_container_into(std::span(static_cast<const std::uint8_t*>(*buf), nbytes), *header,
                                    std::span(static_cast<std::uint8_t*>(out), bound), 1);
  if (!written) {
    H5free_memory(out);
    H5EBPC_FAIL(H5E_CANTFILTER, written.error().message, 0);
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = bound;
  return *written;
}

// One .ebpc container -> one chunk. Nothing read from the file is trusted: the container is
// checked whole (header, chunk headers, sizes, checksums, trailing bytes) and must decode to
// exactly the dataset's chunk size before anything is allocated.
std::size_t decode(const unsigned* cd, std::size_t nbytes, std::size_t* buf_size, void** buf) {
  const std::uint64_t chunk_nbytes = cd[H5EBPC_CD_CHUNK_NBYTES];
  const std::span in(static_cast<const std::uint8_t*>(*buf), nbytes);
  std::size_t header_nbytes = 0;
  const auto header = ebpc::parse_header(in, &header_nbytes);
  if (!header) {
    H5EBPC_FAIL(H5E_CANTFILTER, "chunk is not a valid .ebpc container (" +
                                    std::string(ebpc::error_message(header.error())) + ")", 0);
  }
  const ebpc::DTypeInfo* info = ebpc::dtype_info(header->dtype);
  if (info == nullptr || chunk_nbytes == 0 || header->nwords > chunk_nbytes / info->nbytes ||
      header->nwords * info->nbytes != chunk_nbytes) {
    H5EBPC_FAIL(H5E_CANTFILTER,
                "chunk's container holds " + std::to_string(header->nwords) + " elements, not the " +
                    std::to_string(chunk_nbytes) + " bytes of the dataset's chunks",
                0);
  }
  void* out = H5allocate_memory(chunk_nbytes, false);
  if (out == nullptr) {
    H5EBPC_FAIL(H5E_NOSPACE, "cannot allocate " + std::to_string(chunk_nbytes) + " bytes", 0);
  }
  const auto done = ebpc::decompress_container_into(in, std::span(static_cast<std::uint8_t*>(out), chunk_nbytes), 1);
  if (!done) {
    H5free_memory(out);
    H5EBPC_FAIL(H5E_CANTFILTER, done.error().message, 0);
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = chunk_nbytes;
  return chunk_nbytes;
}

std::size_t filter(unsigned flags, std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes,
                   std::size_t* buf_size, void** buf) noexcept try {
  if (cd_nelmts < H5EBPC_CD_NELMTS || cd_values[H5EBPC_CD_VERSION] != H5EBPC_CD_LAYOUT_VERSION) {
    H5EBPC_FAIL(H5E_CANTFILTER,
                "filter parameters of an unknown layout (" + std::to_string(cd_nelmts) + " values, version " +
                    (cd_nelmts > H5EBPC_CD_VERSION ? std::to_string(cd_values[H5EBPC_CD_VERSION]) : "none") + ")",
                0);
  }
  return (flags & H5Z_FLAG_REVERSE) != 0 ? decode(cd_values, nbytes, buf_size, buf)
                                         : encode(cd_values, nbytes, buf_size, buf);
} catch (...) {  // std::bad_alloc from the library or the strings: never across HDF5's C frames
  push_error(__func__, __LINE__, H5E_NOSPACE, "out of memory");
  return 0;
}

const H5Z_class2_t k_filter_class = {
    H5Z_CLASS_T_VERS,
    static_cast<H5Z_filter_t>(H5Z_FILTER_EBPC),
    1,  // encoder present
    1,  // decoder present
    "ebpc: Extended Bit-Plane Compression (each chunk an .ebpc container)",
    can_apply,
    set_local,
    filter,
};

}  // namespace

extern "C" {
H5PL_type_t H5PLget_plugin_type(void) { return H5PL_TYPE_FILTER; }
const void* H5PLget_plugin_info(void) { return &k_filter_class; }
}
