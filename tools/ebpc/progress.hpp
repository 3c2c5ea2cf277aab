// Progress of long work on a terminal (as zstd shows it): one line on stderr, rewritten at
// most four times a second, cleared at the end. Off when stderr is not a terminal or with
// -q, so scripts and pipes never see it.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ebpc::cli {

class Progress {
 public:
  // verb: "compress", "decompress"; total: the bytes the work will count (0: unknown).
  Progress(std::string verb, std::uint64_t total, bool quiet)
      : verb_(std::move(verb)), total_(total), enabled_(!quiet && isatty(fileno(stderr)) != 0) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { finish(); }

  bool enabled() const noexcept { return enabled_; }

  void add(std::uint64_t nbytes) {
    if (!enabled_) {
      return;
    }
    done_ += nbytes;
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(250)) {
      return;
    }
    shown_ = true;
    last_ = now;
    const double mib = static_cast<double>(done_) / (1024.0 * 1024.0);
    if (total_ != 0) {
      std::fprintf(stderr, "\r\033[Kebpc %s: %.1f of %.1f MiB (%d%%)", verb_.c_str(), mib,
                   static_cast<double>(total_) / (1024.0 * 1024.0), static_cast<int>(100.0 * static_cast<double>(done_) / static_cast<double>(total_)));
    } else {
      std::fprintf(stderr, "\r\033[Kebpc %s: %.1f MiB", verb_.c_str(), mib);
    }
    std::fflush(stderr);
  }

  // Clears the line (before an error message or at the end).
  void finish() {
    if (enabled_ && shown_) {
      std::fprintf(stderr, "\r\033[K");
      std::fflush(stderr);
    }
    shown_ = false;
    enabled_ = false;
  }

 private:
  std::string verb_;
  std::uint64_t total_;
  bool enabled_;
  bool shown_ = false;
  std::uint64_t done_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace ebpc::cli
