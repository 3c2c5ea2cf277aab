// Any bytes as a .npy header.
#include <ebpc/npy.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto h = ebpc::parse_npy_header(std::span<const std::uint8_t>(data, size));
  if (h) {
    // What parses must serialise and parse back to the same array description.
    const auto again = ebpc::make_npy_header(h->dtype, h->shape, h->fortran_order);
    auto h2 = ebpc::parse_npy_header(again);
    if (!h2 || h2->shape != h->shape || h2->dtype != h->dtype || h2->fortran_order != h->fortran_order) {
      __builtin_trap();
    }
  }
  return 0;
}
