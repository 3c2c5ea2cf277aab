#include <cstdio>
#include <cstring>
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
    switch (a.error()) {
      case Error::io: fail(path + ": cannot read file");
      case Error::unsupported: fail(path + ": unsupported .npy dtype (ebpc codes int8, uint8, int16, uint16, float16, "
                                           "int32, uint32, float32, little-endian)");
      default: fail(path + ": not a valid .npy file", a.error());
    }
  }
  return std::move(*a);
}

std::vector<std::uint32_t> words_of(const NpyArray& a, unsigned word_nbits, const std::string& path) {
  std::vector<std::uint8_t> elems = a.data;
  if (auto r = elements_to_words_or_failure(elems, a.header.dtype, word_nbits); !r) {
    fail(path + ": " + r.error().message);
  }
  const unsigned elem_nbytes = dtype_info(a.header.dtype)->nbytes;
  std::vector<std::uint32_t> words(elems.size() / elem_nbytes);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint32_t v = 0;
    std::memcpy(&v, elems.data() + i * elem_nbytes, elem_nbytes);
    words[i] = v;
  }
  return words;
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
