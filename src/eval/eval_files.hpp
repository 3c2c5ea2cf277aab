// Small helpers shared by the study's readers (internal to src/eval): the one-line failure
// "WHERE: WHAT", and a whole text file read in one go.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <ebpc/ebpc.hpp>

namespace ebpc::eval::detail {

inline tl::unexpected<Failure> bad(const std::string& where, const std::string& what, Error code = Error::corrupt) {
  return tl::unexpected(Failure{code, where + ": " + what});
}

// The file's bytes, or nothing when it cannot be opened or read.
inline std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return std::nullopt;
  }
  return text.str();
}

}  // namespace ebpc::eval::detail
