#include "format/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "common/check.hpp"

namespace ebpc {

AtomicFile::~AtomicFile() {
  if (f_ != nullptr && !is_stdout_) {
    std::fclose(f_);
    ::unlink(tmp_path_.c_str());
  }
}

Result<void> AtomicFile::open(const std::string& path, bool overwrite) {
  path_ = path;
  overwrite_ = overwrite;
  if (path == "-") {
    is_stdout_ = true;
    f_ = stdout;
    return {};
  }
  struct stat st {};
  EBPC_CHECK(overwrite || ::stat(path.c_str(), &st) != 0, io);
  std::string templ = path + ".tmpXXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  EBPC_CHECK(fd >= 0, io);
  tmp_path_ = buf.data();
  ::fchmod(fd, 0644);
  f_ = ::fdopen(fd, "wb");
  if (f_ == nullptr) {
    ::close(fd);
    ::unlink(tmp_path_.c_str());
    return tl::unexpected(Error::io);
  }
  return {};
}

Result<void> AtomicFile::write(std::span<const std::uint8_t> bytes) {
  EBPC_CHECK(f_ != nullptr, io);
  EBPC_CHECK(bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f_) == bytes.size(), io);
  return {};
}

Result<void> AtomicFile::commit() {
  EBPC_CHECK(f_ != nullptr, io);
  if (is_stdout_) {
    EBPC_CHECK(std::fflush(f_) == 0, io);
    f_ = nullptr;
    return {};
  }
  // No fsync: like zstd, durability is left to the file system; the rename makes the
  // output appear only once it is complete.
  const bool ok = std::fflush(f_) == 0;
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok || !closed) {
    ::unlink(tmp_path_.c_str());
    return tl::unexpected(Error::io);
  }
  struct stat st {};
  if (!overwrite_ && ::stat(path_.c_str(), &st) == 0) {
    ::unlink(tmp_path_.c_str());
    return tl::unexpected(Error::io);
  }
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp_path_.c_str());
    return tl::unexpected(Error::io);
  }
  return {};
}

}  // namespace ebpc
