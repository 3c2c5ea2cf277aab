// Any bytes as a .npy file: the header parser (what parses serialises and parses back to
// the same description), the header read from a stream, and read_npy through a file, plain
// (inputs that could be a file: see below), plain and as zstd frames. A plain read succeeds exactly when the header parses and the data is
// as long as it says.
#include <ebpc/npy.hpp>
#include <ebpc/stream.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

// The input as a file of this process (rewritten for each input).
const std::string& file_of(std::span<const std::uint8_t> bytes) {
  static const std::string path = "/tmp/ebpc-fuzz-npy-" + std::to_string(::getpid()) + ".npy";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f != nullptr) {
    if (!bytes.empty()) {
      (void)std::fwrite(bytes.data(), 1, bytes.size(), f);
    }
    std::fclose(f);
  }
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  auto h = ebpc::parse_npy_header(in);
  if (h) {
    const auto again = ebpc::make_npy_header(h->dtype, h->shape, h->fortran_order);
    auto h2 = ebpc::parse_npy_header(again);
    if (!h2 || h2->shape != h->shape || h2->dtype != h->dtype || h2->fortran_order != h->fortran_order) {
      __builtin_trap();
    }
  }
  (void)ebpc::read_npy_header(ebpc::memory_source(in));

  // Through a file only what could be one (a header that parses, or a zstd frame's magic):
  // file I/O for every input would make this target a hundred times slower.
  const bool zstd_magic = size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd;
  if (!h && !zstd_magic) {
    return 0;
  }
  constexpr std::uint64_t k_limit = std::uint64_t{8} << 20;
  const std::string& path = file_of(in);
  auto plain = ebpc::read_npy(path, k_limit, false);
  const bool expect = h && size >= h->data_offset && size - h->data_offset == h->data_nbytes;
  if (plain.has_value() != expect) {
    __builtin_trap();
  }
  if (plain && (plain->header.shape != h->shape || plain->data.size() != h->data_nbytes)) {
    __builtin_trap();
  }
  if (zstd_magic) {
    (void)ebpc::read_npy(path, k_limit, true);  // the bytes as zstd frames
  }
  return 0;
}
