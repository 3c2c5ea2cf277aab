// Sequential file input for the streaming subcommands ("-" is standard input).
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace ebpc::cli {

class Input {
 public:
  explicit Input(const std::string& path);  // fails with a message if it cannot open
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input();

  // Reads up to out.size() bytes; returns how many (less only at end of input).
  std::size_t read(std::span<std::uint8_t> out);
  // True when no byte is left.
  bool at_end();
  const std::string& name() const { return name_; }

 private:
  std::FILE* f_ = nullptr;
  bool owned_ = false;
  std::string name_;
};

bool file_exists(const std::string& path);
bool ends_with(const std::string& s, const std::string& suffix);

}  // namespace ebpc::cli
