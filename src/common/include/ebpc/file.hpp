// Files for tools and bindings: sequential input files (or standard input) as byte
// sources, and output files that appear only when complete.
#pragma once

#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <ebpc/ebpc.hpp>
#include <ebpc/stream.hpp>

namespace ebpc {

// A file read front to back; the path "-" reads standard input.
class InputFile {
 public:
  // Failures: "PATH: is a directory", "PATH: <strerror>".
  static Outcome<std::unique_ptr<InputFile>> open(const std::string& path);
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  // Reads up to out.size() bytes; fewer only at the end of the input. io on a read error.
  Result<std::size_t> read(std::span<std::uint8_t> out);
  // True when no byte is left (reads one byte ahead and keeps it for the next read).
  Result<bool> at_end();
  // The path, or "<stdin>".
  const std::string& name() const noexcept { return name_; }
  // A ByteSource over read(); the file must outlive it.
  ByteSource source();
  // Makes a read blocked on a pipe or terminal, now or later, fail with Error::cancelled
  // (for StreamOptions::interrupt_source). Thread-safe; permanent. Regular files never
  // block for long and are not interrupted.
  void interrupt() noexcept;

 private:
  InputFile() = default;
  std::size_t wait_readable();
  std::FILE* f_ = nullptr;
  bool owned_ = false;
  bool regular_ = true;
  int cancel_pipe_[2] = {-1, -1};  // readable once interrupted (non-regular inputs only)
  std::string name_;
};

bool file_exists(const std::string& path);

// The whole of a regular file of at most max_nbytes (limit_exceeded above). Opened without
// blocking and refused (io) unless it is a regular file: a FIFO, device or directory in
// place of a data file is an error, never a wait for a writer or an endless read.
Result<std::vector<std::uint8_t>> read_regular_file(const std::string& path, std::uint64_t max_nbytes);
// True when both paths exist and are the same file (device and inode).
bool same_file(const std::string& a, const std::string& b);

// Output files that appear only when complete: written to a temporary file in the target's
// directory and renamed over the target on commit(); removed if never committed.
// - "-" writes to standard output directly;
// - an existing target that is not a regular file (a device such as /dev/null, a FIFO) is
//   written directly, never replaced;
// - a symbolic link is followed: its target is written (the link stays a link);
// - the temporary file is ".ebpc-tmpXXXXXX" in that directory (so any name that fits the
//   file system fits), created with the given permission bits.
class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // overwrite = false: "PATH: already exists" if path exists (checked again at rename
  // time). Failures (io) name the path: "PATH: cannot create output file (reason)", "PATH:
  // is a directory", "PATH: a symbolic link to nothing".
  Outcome<void> open(const std::string& path, bool overwrite, unsigned mode = 0644);
  Result<void> write(std::span<const std::uint8_t> bytes);
  Result<void> commit();

  // Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the temporary files of
  // every open AtomicFile, then end the process as the signal would (zstd does the same).
  // For programs (the CLI); a library user decides about signals itself.
  static void remove_temp_files_on_signals();

 private:
  std::FILE* f_ = nullptr;
  std::string path_;      // the file renamed onto (a symbolic link's target)
  std::string tmp_path_;  // empty when written directly
  int slot_ = -1;         // in the signal handler's list of temporary files
  bool overwrite_ = false;
  bool is_stdout_ = false;
  bool direct_ = false;
};

}  // namespace ebpc
