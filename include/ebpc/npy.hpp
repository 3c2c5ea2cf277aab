// NumPy .npy files (format versions 1.0, 2.0, 3.0), little-endian dtypes that map to
// ebpc::DType. Also reads zstd-compressed .npy (.npy.zst) for the shipped datasets.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>

namespace ebpc {

struct NpyHeader {
  DType dtype = DType::uint8;
  std::vector<std::uint64_t> shape;
  bool fortran_order = false;
  std::size_t data_offset = 0;    // bytes before the array data
  std::uint64_t nelems = 0;
  std::uint64_t data_nbytes = 0;  // nelems * dtype size
};

struct NpyArray {
  NpyHeader header;
  std::vector<std::uint8_t> data;  // element bytes, host (little-endian) order
};

// Parses the header at the start of in. truncated when in is too short, corrupt for a
// malformed header, unsupported for a dtype ebpc does not code (big-endian, bool,
// float64, object, structured), limit_exceeded when the element count overflows.
Result<NpyHeader> parse_npy_header(std::span<const std::uint8_t> in) noexcept;

// Reads a header from the front of a stream: exactly its bytes, so the array data is what
// the source gives next. Failures: corrupt "not a valid .npy file" (with "(too short)" or
// "(header too large)", headers above 1 MiB), unsupported "unsupported .npy dtype",
// truncated "truncated input (ends inside the .npy header)".
Outcome<NpyHeader> read_npy_header(const ByteSource& source);

std::vector<std::uint8_t> make_npy_header(DType dtype, std::span<const std::uint64_t> shape, bool fortran_order);

// Reads a whole .npy (or .npy.zst) file; the data must be exactly as long as the header
// says (truncated / corrupt otherwise). max_nbytes bounds the allocation. Only a regular
// file is read (io for a FIFO, a device or a directory, refused without blocking).
// zstd_frames: the file is zstd-compressed; by default, when the path ends in ".zst".
// Failures name the path: "PATH: cannot read file" (io), "PATH: unsupported .npy dtype
// (...)" (unsupported), "PATH: not a valid .npy file: <reason>" (the others).
Outcome<NpyArray> read_npy(const std::string& path, std::uint64_t max_nbytes = std::uint64_t{16} << 30,
                          std::optional<bool> zstd_frames = std::nullopt);

// Writes to path via a temporary file and a rename (no partial output on failure).
Outcome<void> write_npy(const std::string& path, const NpyHeader& header, std::span<const std::uint8_t> data);

// The W-bit word patterns of an array as uint32 (for tools and models that want plain
// words): integers must fit W bits (bad_parameter otherwise, *bad_index set).
Result<std::vector<std::uint32_t>> npy_to_words(const NpyArray& array, unsigned word_nbits,
                                                std::uint64_t* bad_index = nullptr);

// The same for element bytes of a dtype.
Result<std::vector<std::uint32_t>> elements_to_word_vector(std::span<const std::uint8_t> elems, DType dtype,
                                                           unsigned word_nbits, std::uint64_t* bad_index = nullptr);

// Default word width of a dtype: its size in bits.
inline unsigned default_word_nbits(DType dtype) {
  const DTypeInfo* info = dtype_info(dtype);
  return info != nullptr ? info->nbytes * 8 : 8;
}

}  // namespace ebpc
