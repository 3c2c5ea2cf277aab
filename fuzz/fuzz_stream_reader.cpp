// Any bytes as an .ebpc stream through ContainerReader, with 1 or 2 threads and odd read
// sizes: the same result as the whole-buffer decoder (the same data, or an error from
// both), never a crash, a hang or an allocation sized by an unchecked header field.
// Byte 0: bit 0 the threads, bits 1..5 the read size, bits 6..7 the way in: 0 and 1 read()
// in pieces from memory; 2 scan() (it must pass where the whole-buffer decoder succeeds:
// it checks less) and then read_all() on a second reader; 3 read() in pieces from a file
// descriptor (fd_source).
#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

// A file of the input, removed when the descriptor is closed.
int file_of(std::span<const std::uint8_t> bytes) {
  const std::string path = "/tmp/ebpc-fuzz-reader-" + std::to_string(::getpid());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return -1;
  }
  ::unlink(path.c_str());
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t k = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (k <= 0) {
      ::close(fd);
      return -1;
    }
    off += static_cast<std::size_t>(k);
  }
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const unsigned threads = (data[0] & 1) != 0 ? 2 : 1;
  const std::size_t piece = 1 + ((data[0] >> 1) & 31u) * 37u;
  const unsigned way = data[0] >> 6;
  const std::span<const std::uint8_t> file(data + 1, size - 1);
  constexpr std::uint64_t k_limit = std::uint64_t{4} << 20;

  ebpc::ContainerHeader h;
  auto whole = ebpc::decompress_container(file, &h, k_limit);

  ebpc::StreamOptions so;
  so.threads = threads;
  so.max_output_nbytes = k_limit;
  so.memory_budget_nbytes = std::uint64_t{256} << 20;
  int fd = -1;
  if (way == 3) {
    fd = file_of(file);
    if (fd < 0) {
      return 0;
    }
  }
  auto r = ebpc::ContainerReader::open(way == 3 ? ebpc::fd_source(fd) : ebpc::memory_source(file), so);
  std::vector<std::uint8_t> got;
  bool ok = r.has_value();
  ebpc::Error why = ok ? ebpc::Error::io : r.error().code;  // the stream reader's failure
  if (ok && way == 2) {
    auto s = (*r)->scan();
    if (whole && !s && s.error().code != ebpc::Error::limit_exceeded) {
      __builtin_trap();
    }
    auto r2 = ebpc::ContainerReader::open(ebpc::memory_source(file), so);
    ok = r2.has_value();
    if (!ok) {
      why = r2.error().code;
    } else {
      const auto& hh = (*r2)->header();
      got.resize(static_cast<std::size_t>(hh.nwords * hh.codec.elem_nbytes));
      auto all = (*r2)->read_all(got);
      ok = all.has_value();
      why = ok ? why : all.error().code;
    }
  } else if (ok) {
    std::vector<std::uint8_t> buf(piece);
    while (true) {
      auto n = (*r)->read(buf);
      if (!n) {
        ok = false;
        why = n.error().code;
        break;
      }
      if (*n == 0) {
        break;
      }
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    }
  }
  r = tl::unexpected(ebpc::Failure{ebpc::Error::io, ""});  // the reader closed before its descriptor
  if (fd >= 0) {
    ::close(fd);
  }
  // The stream reader may refuse what the whole-buffer one takes only by its memory budget.
  if (ok != whole.has_value()) {
    if (!(whole && why == ebpc::Error::limit_exceeded)) {
      __builtin_trap();
    }
  } else if (ok && got != *whole) {
    __builtin_trap();
  }
  return 0;
}
