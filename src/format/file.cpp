#include <ebpc/file.hpp>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/check.hpp"

namespace ebpc {

Outcome<std::unique_ptr<InputFile>> InputFile::open(const std::string& path) {
  std::unique_ptr<InputFile> in(new InputFile());
  in->name_ = path == "-" ? "<stdin>" : path;
  if (path == "-") {
    in->f_ = stdin;
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return tl::unexpected(Failure{Error::io, path + ": is a directory"});
    }
    in->f_ = std::fopen(path.c_str(), "rb");
    if (in->f_ == nullptr) {
      return tl::unexpected(Failure{Error::io, path + ": " + std::strerror(errno)});
    }
    in->owned_ = true;
  }
  struct stat st {};
  in->regular_ = ::fstat(::fileno(in->f_), &st) == 0 && S_ISREG(st.st_mode);
  if (in->regular_) {
    // Whole-file streaming: ask for a larger read-ahead. Big reads bypass stdio's buffer.
    (void)::posix_fadvise(::fileno(in->f_), 0, 0, POSIX_FADV_SEQUENTIAL);
  } else {
    // Unbuffered, so that a read waits on the descriptor itself (wait_readable) and never
    // blocks inside fread with data stdio had already buffered.
    std::setvbuf(in->f_, nullptr, _IONBF, 0);
    if (::pipe(in->cancel_pipe_) != 0) {
      in->cancel_pipe_[0] = in->cancel_pipe_[1] = -1;
    }
  }
  return in;
}

InputFile::~InputFile() {
  if (owned_ && f_ != nullptr) {
    std::fclose(f_);
  }
  for (int fd : cancel_pipe_) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

void InputFile::interrupt() noexcept {
  if (cancel_pipe_[1] >= 0) {
    const char c = 1;
    (void)!::write(cancel_pipe_[1], &c, 1);
  }
}

// For a pipe, socket or terminal: waits until the input has data (or its end) or reads are
// interrupted (returns SIZE_MAX then), and returns how many bytes a read can take now
// without blocking (at least 1: a read at the end returns 0 at once), or 0 when the device
// cannot say (read as asked).
std::size_t InputFile::wait_readable() {
  pollfd fds[2] = {{::fileno(f_), POLLIN, 0}, {cancel_pipe_[0], POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
    if (errno != EINTR) {
      return 0;
    }
  }
  if ((fds[1].revents & POLLIN) != 0) {
    return SIZE_MAX;
  }
  int avail = 0;
  if (::ioctl(::fileno(f_), FIONREAD, &avail) != 0) {
    return 0;
  }
  return static_cast<std::size_t>(std::max(avail, 1));
}

Result<std::size_t> InputFile::read(std::span<std::uint8_t> out) {
  const bool wait = cancel_pipe_[0] >= 0;
  std::size_t got = 0;
  while (got < out.size()) {
    std::size_t want = out.size() - got;
    if (wait) {
      const std::size_t avail = wait_readable();
      EBPC_CHECK(avail != SIZE_MAX, cancelled);
      if (avail != 0) {
        want = std::min(want, avail);
      }
    }
    const std::size_t r = std::fread(out.data() + got, 1, want, f_);
    if (r == 0) {
      EBPC_CHECK(std::ferror(f_) == 0, io);
      break;
    }
    got += r;
  }
  return got;
}

// For a pipe the byte peeked here is pushed back into stdio, where read()'s wait on the
// descriptor does not see it: the callers only ask at the very end.
Result<bool> InputFile::at_end() {
  if (cancel_pipe_[0] >= 0) {
    EBPC_CHECK(wait_readable() != SIZE_MAX, cancelled);
  }
  const int c = std::fgetc(f_);
  if (c == EOF) {
    EBPC_CHECK(std::ferror(f_) == 0, io);
    return true;
  }
  std::ungetc(c, f_);
  return false;
}

ByteSource InputFile::source() {
  return [this](std::span<std::uint8_t> buf) { return read(buf); };
}

Result<std::vector<std::uint8_t>> read_regular_file(const std::string& path, std::uint64_t max_nbytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  EBPC_CHECK(fd >= 0, io);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  EBPC_CHECK(::fstat(fd, &st) == 0 && S_ISREG(st.st_mode), io);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  EBPC_CHECK(size <= max_nbytes, limit_exceeded);
  std::vector<std::uint8_t> buf(static_cast<std::size_t>(size));
  std::size_t got = 0;
  while (got < buf.size()) {
    const ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    EBPC_CHECK(n > 0, io);  // an error, or a file that shrank while read
    got += static_cast<std::size_t>(n);
  }
  return buf;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

namespace {

// Temporary files a signal handler removes: fixed slots (no allocation in the handler),
// claimed with an atomic flag, the path copied in before the flag says "in use".
constexpr int k_temp_slots = 16;
struct TempSlot {
  std::atomic<int> state{0};  // 0 free, 1 claimed, 2 holds a path
  char path[PATH_MAX];
};
TempSlot g_temp_slots[k_temp_slots];

int register_temp(const std::string& path) {
  if (path.size() >= PATH_MAX) {
    return -1;
  }
  for (int i = 0; i < k_temp_slots; ++i) {
    int expected = 0;
    if (g_temp_slots[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(g_temp_slots[i].path, path.c_str(), path.size() + 1);
      g_temp_slots[i].state.store(2);
      return i;
    }
  }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) {
    g_temp_slots[slot].state.store(0);
  }
}

extern "C" void remove_temps_and_reraise(int sig) {
  for (auto& t : g_temp_slots) {
    if (t.state.load() == 2) {
      ::unlink(t.path);
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// The directory part of a path ("." for a bare name).
std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void AtomicFile::remove_temp_files_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction sa {};
    sa.sa_handler = remove_temps_and_reraise;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

AtomicFile::~AtomicFile() {
  if (f_ != nullptr && !is_stdout_) {
    std::fclose(f_);
    if (!direct_) {
      ::unlink(tmp_path_.c_str());
    }
  }
  unregister_temp(slot_);
}

Outcome<void> AtomicFile::open(const std::string& path, bool overwrite, unsigned mode) {
  path_ = path;
  overwrite_ = overwrite;
  if (path == "-") {
    is_stdout_ = true;
    f_ = stdout;
    return {};
  }
  const auto cannot = [&path](int e) {
    return tl::unexpected(Failure{Error::io, path + ": cannot create output file" +
                                                 (e != 0 ? std::string(" (") + std::strerror(e) + ")" : std::string())});
  };
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !overwrite) {
    return tl::unexpected(Failure{Error::io, path + ": already exists"});
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or FIFO: write to it as it is (replacing /dev/null with a file would be a bug).
    if (S_ISDIR(st.st_mode)) {
      return tl::unexpected(Failure{Error::io, path + ": is a directory"});
    }
    f_ = std::fopen(path.c_str(), "wb");
    if (f_ == nullptr) {
      return cannot(errno);
    }
    direct_ = true;
    return {};
  }
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    // Write the link's target; a dangling link is refused.
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) {
      return tl::unexpected(Failure{Error::io, path + ": a symbolic link to nothing"});
    }
    path_ = real;
    std::free(real);
  }
  std::string templ = dir_of(path_) + "/.ebpc-tmpXXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  if (fd < 0) {
    return cannot(errno);
  }
  tmp_path_ = buf.data();
  slot_ = register_temp(tmp_path_);
  ::fchmod(fd, static_cast<mode_t>(mode & 07777));
  f_ = ::fdopen(fd, "wb");
  if (f_ == nullptr) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp_path_.c_str());
    return cannot(e);
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
    EBPC_CHECK(std::fflush(f_) == 0 && std::ferror(f_) == 0, io);
    f_ = nullptr;
    return {};
  }
  // No fsync: like zstd, durability is left to the file system; the rename makes the
  // output appear only once it is complete.
  const bool ok = std::fflush(f_) == 0;
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (direct_) {
    EBPC_CHECK(ok && closed, io);
    return {};
  }
  auto fail_io = [&]() -> Result<void> {
    ::unlink(tmp_path_.c_str());
    unregister_temp(slot_);
    slot_ = -1;
    return tl::unexpected(Error::io);
  };
  if (!ok || !closed) {
    return fail_io();
  }
  struct stat st {};
  if (!overwrite_ && ::stat(path_.c_str(), &st) == 0) {
    return fail_io();
  }
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return fail_io();
  }
  unregister_temp(slot_);
  slot_ = -1;
  return {};
}

}  // namespace ebpc
