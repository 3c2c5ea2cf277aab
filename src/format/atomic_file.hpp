// Output files that appear only when complete: written to a temporary file in the
// same directory and renamed over the target on commit(); removed if never committed.
// The path "-" writes to standard output directly.
#pragma once

#include <cstdio>
#include <span>
#include <string>

#include <ebpc/ebpc.hpp>

namespace ebpc {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // overwrite = false: io error if path exists (checked again at rename time).
  Result<void> open(const std::string& path, bool overwrite);
  Result<void> write(std::span<const std::uint8_t> bytes);
  Result<void> commit();
  bool is_stdout() const { return is_stdout_; }

 private:
  std::FILE* f_ = nullptr;
  std::string path_;
  std::string tmp_path_;
  bool overwrite_ = false;
  bool is_stdout_ = false;
};

}  // namespace ebpc
