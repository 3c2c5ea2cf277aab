#include "io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "commands.hpp"

namespace ebpc::cli {

namespace {

// A pipe that becomes readable when reads are cancelled (cancel_input_reads). Created by
// the first Input that is not a regular file; regular files never block for long.
int g_cancel_pipe[2] = {-1, -1};
std::once_flag g_cancel_once;

void make_cancel_pipe() {
  std::call_once(g_cancel_once, [] {
    if (::pipe(g_cancel_pipe) != 0) {
      g_cancel_pipe[0] = g_cancel_pipe[1] = -1;
    }
  });
}

bool is_regular(std::FILE* f) {
  struct stat st {};
  return ::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

// For a pipe, socket or terminal: waits until the input has data (or its end) or reads are
// cancelled, and returns how many bytes a read can take now without blocking (at least 1:
// a read at the end returns 0 at once), or 0 when the device cannot say (read as asked).
std::size_t wait_readable(std::FILE* f, const std::string& name) {
  const int fd = ::fileno(f);
  pollfd fds[2] = {{fd, POLLIN, 0}, {g_cancel_pipe[0], POLLIN, 0}};
  while (::poll(fds, g_cancel_pipe[0] >= 0 ? 2 : 1, -1) < 0) {
    if (errno != EINTR) {
      return 0;
    }
  }
  if (g_cancel_pipe[0] >= 0 && (fds[1].revents & POLLIN) != 0) {
    fail(name + ": reading stopped");
  }
  int avail = 0;
  if (::ioctl(fd, FIONREAD, &avail) != 0) {
    return 0;
  }
  return static_cast<std::size_t>(std::max(avail, 1));
}

}  // namespace

void cancel_input_reads() noexcept {
  if (g_cancel_pipe[1] >= 0) {
    const char c = 1;
    (void)!::write(g_cancel_pipe[1], &c, 1);
  }
}

Input::Input(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    f_ = stdin;
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      fail(path + ": is a directory");
    }
    f_ = std::fopen(path.c_str(), "rb");
    if (f_ == nullptr) {
      fail(path + ": " + std::strerror(errno));
    }
    owned_ = true;
  }
  if (is_regular(f_)) {
    // Whole-file streaming: ask for a larger read-ahead. Big reads bypass stdio's buffer.
    (void)::posix_fadvise(::fileno(f_), 0, 0, POSIX_FADV_SEQUENTIAL);
  } else {
    // Unbuffered, so that read() can wait on the descriptor itself (wait_readable) and
    // never blocks inside fread with data stdio had already buffered.
    std::setvbuf(f_, nullptr, _IONBF, 0);
    make_cancel_pipe();
  }
}

Input::~Input() {
  if (owned_ && f_ != nullptr) {
    std::fclose(f_);
  }
}

std::size_t Input::read(std::span<std::uint8_t> out) {
  const bool wait = g_cancel_pipe[0] >= 0 && !is_regular(f_);
  std::size_t got = 0;
  while (got < out.size()) {
    std::size_t want = out.size() - got;
    if (wait) {
      const std::size_t avail = wait_readable(f_, name_);
      if (avail != 0) {
        want = std::min(want, avail);
      }
    }
    const std::size_t r = std::fread(out.data() + got, 1, want, f_);
    if (r == 0) {
      if (std::ferror(f_) != 0) {
        fail(name_ + ": read error");
      }
      break;
    }
    got += r;
  }
  return got;
}

// For a pipe the byte peeked here is pushed back into stdio, where read()'s wait on the
// descriptor does not see it: the callers only ask at the very end, and fail if not at end.
bool Input::at_end() {
  if (g_cancel_pipe[0] >= 0 && !is_regular(f_)) {
    (void)wait_readable(f_, name_);
  }
  const int c = std::fgetc(f_);
  if (c == EOF) {
    return true;
  }
  std::ungetc(c, f_);
  return false;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace ebpc::cli
