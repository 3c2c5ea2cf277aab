// The ebpc CLI: one file per subcommand, each registering itself on the app.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

#include <ebpc/container.hpp>
#include <ebpc/ebpc.hpp>

#include <ebpc/file.hpp>
#include <ebpc/npy.hpp>

namespace ebpc::cli {

// Thrown by subcommands; main prints "ebpc: <message>" and exits 1.
struct CliError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& message);

// "what: <error message>" for a library error.
[[noreturn]] void fail(const std::string& what, Error e);

// Reads a .npy (or .npy.zst) file, failing with a one-line message naming the file.
NpyArray load_npy(const std::string& path);

// The W-bit words of an array, failing with a message naming the value that does not fit.
std::vector<std::uint32_t> words_of(const NpyArray& a, unsigned word_nbits, const std::string& path);

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void register_compress(CLI::App& app);    // compress, decompress, info
void register_measure(CLI::App& app);     // measure
void register_hw(CLI::App& app);          // hw encode, hw decode (and hw sim, hw ebpcx when built)
void register_bench(CLI::App& app);       // bench
#ifdef EBPC_HAVE_HW
void register_hw_sim(CLI::App& hw);
void register_hw_ebpcx(CLI::App& hw);  // hw ebpcx
#endif
#ifdef EBPC_HAVE_EVAL
void register_eval(CLI::App& app);
#endif

}  // namespace ebpc::cli
