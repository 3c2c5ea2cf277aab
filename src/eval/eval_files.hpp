// Small helpers shared by the study's readers (internal to src/eval): the one-line failure
// "WHERE: WHAT", and a whole text file read in one go.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <ebpc/ebpc.hpp>
#include <ebpc/file.hpp>

namespace ebpc::eval::detail {

inline tl::unexpected<Failure> bad(const std::string& where, const std::string& what, Error code = Error::corrupt) {
  return tl::unexpected(Failure{code, where + ": " + what});
}

// The text of a regular file of at most max_nbytes (read_regular_file), or nothing.
// Manifests and shard files are untrusted: /dev/zero or a FIFO in their place must be an
// error, never a hang or an unbounded allocation.
inline std::optional<std::string> read_text_file(const std::string& path,
                                                 std::uint64_t max_nbytes = std::uint64_t{256} << 20) {
  auto bytes = read_regular_file(path, max_nbytes);
  if (!bytes) {
    return std::nullopt;
  }
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace ebpc::eval::detail
