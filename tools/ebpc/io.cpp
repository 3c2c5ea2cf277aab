#include "io.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "commands.hpp"

namespace ebpc::cli {

Input::Input(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    f_ = stdin;
    return;
  }
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

Input::~Input() {
  if (owned_ && f_ != nullptr) {
    std::fclose(f_);
  }
}

std::size_t Input::read(std::span<std::uint8_t> out) {
  std::size_t got = 0;
  while (got < out.size()) {
    const std::size_t r = std::fread(out.data() + got, 1, out.size() - got, f_);
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

bool Input::at_end() {
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
