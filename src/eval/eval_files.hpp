// Small helpers shared by the study's readers (internal to src/eval): the one-line failure
// "WHERE: WHAT", and a whole text file read in one go.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>

#include <ebpc/ebpc.hpp>

namespace ebpc::eval::detail {

inline tl::unexpected<Failure> bad(const std::string& where, const std::string& what, Error code = Error::corrupt) {
  return tl::unexpected(Failure{code, where + ": " + what});
}

// The bytes of a regular file of at most max_nbytes, or nothing when it cannot be opened
// or read, is not a regular file (a FIFO, a device: opened without blocking and refused),
// or is larger. Manifests and shard files are untrusted: /dev/zero or a FIFO in their place
// must be an error, never a hang or an unbounded allocation.
inline std::optional<std::string> read_text_file(const std::string& path,
                                                 std::uint64_t max_nbytes = std::uint64_t{256} << 20) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) <= max_nbytes) {
    std::string text;
    char buf[65536];
    bool ok = true;
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 || text.size() + static_cast<std::size_t>(n) > max_nbytes) {
        ok = false;
        break;
      }
      if (n == 0) {
        break;
      }
      text.append(buf, static_cast<std::size_t>(n));
    }
    if (ok) {
      out = std::move(text);
    }
  }
  ::close(fd);
  return out;
}

}  // namespace ebpc::eval::detail
