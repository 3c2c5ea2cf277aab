// Any bytes as an .ebpc stream through ContainerReader, with 1 or 2 threads and odd read
// sizes: the same result as the whole-buffer decoder (the same data, or an error from
// both), never a crash, a hang or an allocation sized by an unchecked header field.
#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const unsigned threads = (data[0] & 1) != 0 ? 2 : 1;
  const std::size_t piece = 1 + (data[0] >> 1) * 37u;
  const std::span<const std::uint8_t> file(data + 1, size - 1);
  constexpr std::uint64_t k_limit = std::uint64_t{4} << 20;

  ebpc::ContainerHeader h;
  auto whole = ebpc::decompress_container(file, &h, k_limit);

  ebpc::StreamOptions so;
  so.threads = threads;
  so.max_output_nbytes = k_limit;
  so.memory_budget_nbytes = std::uint64_t{256} << 20;
  auto r = ebpc::ContainerReader::open(ebpc::memory_source(file), so);
  std::vector<std::uint8_t> got;
  bool ok = r.has_value();
  if (ok) {
    std::vector<std::uint8_t> buf(piece);
    while (true) {
      auto n = (*r)->read(buf);
      if (!n) {
        ok = false;
        break;
      }
      if (*n == 0) {
        break;
      }
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    }
  }
  // The stream reader may refuse what the whole-buffer one takes only by its memory budget.
  if (ok != whole.has_value()) {
    if (!(whole && !r && r.error().code == ebpc::Error::limit_exceeded)) {
      __builtin_trap();
    }
  } else if (ok && got != *whole) {
    __builtin_trap();
  }
  return 0;
}
