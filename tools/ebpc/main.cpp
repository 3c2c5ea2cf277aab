#include <cstdio>
#include <string>
#include <system_error>

#include <fmt/core.h>

#include <ebpc/file.hpp>

#include "commands.hpp"

namespace ebpc::cli {

void fail(const std::string& message) { throw CliError(message); }

void fail(const std::string& what, Error e) { throw CliError(what + ": " + std::string(error_message(e))); }

NpyArray load_npy(const std::string& path) {
  auto a = read_npy(path);
  if (!a) {
    fail(a.error().message);
  }
  return std::move(*a);
}

std::vector<std::uint32_t> words_of(const NpyArray& a, unsigned word_nbits, const std::string& path) {
  if (auto w = npy_to_words(a, word_nbits); w) {
    return std::move(*w);
  }
  std::vector<std::uint8_t> elems = a.data;  // again, for the message
  auto r = elements_to_words_or_failure(elems, a.header.dtype, word_nbits);
  fail(path + ": " + (r ? std::string("cannot convert to words") : r.error().message));
}

}  // namespace ebpc::cli

int main(int argc, char** argv) {
  CLI::App app{"ebpc: Extended Bit-Plane Compression of neural-network feature maps"};
  app.set_version_flag("-V,--version", std::string("ebpc ") + EBPC_VERSION_STRING);
  app.require_subcommand(1);
  ebpc::cli::register_compress(app);
  ebpc::cli::register_measure(app);
  ebpc::cli::register_hw(app);
  ebpc::cli::register_bench(app);
#ifdef EBPC_HAVE_EVAL
  ebpc::cli::register_eval(app);
#endif
  // Every error is one line "ebpc: ..." on stderr and exit status 1 (README); so is a
  // failed write to standard output (a full disk, /dev/full), which must never pass as 0.
  auto stdout_ok = [] { return std::fflush(stdout) == 0 && std::ferror(stdout) == 0; };
  auto error = [](const std::string& what) {
    std::fprintf(stderr, "ebpc: %s\n", what.c_str());
    return 1;
  };
  ebpc::AtomicFile::remove_temp_files_on_signals();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    app.exit(e);
    return stdout_ok() ? 0 : error("cannot write to standard output");
  } catch (const CLI::CallForAllHelp& e) {
    app.exit(e);
    return stdout_ok() ? 0 : error("cannot write to standard output");
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return stdout_ok() ? 0 : error("cannot write to standard output");
  } catch (const CLI::ParseError& e) {
    return error(std::string(e.what()) + " (see ebpc --help)");
  } catch (const ebpc::cli::CliError& e) {
    std::fflush(stdout);
    return error(e.what());
  } catch (const std::system_error& e) {
    // fmt::print throws when standard output cannot be written.
    return error(std::string("cannot write to standard output: ") + e.code().message());
  } catch (const std::bad_alloc&) {
    return error("out of memory");
  }
  return stdout_ok() ? 0 : error("cannot write to standard output");
}
