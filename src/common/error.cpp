#include <ebpc/ebpc.hpp>

namespace ebpc {

std::string_view error_message(Error e) noexcept {
  switch (e) {
    case Error::truncated: return "truncated input";
    case Error::corrupt: return "corrupt input";
    case Error::limit_exceeded: return "size limit exceeded";
    case Error::bad_parameter: return "bad parameter";
    case Error::unsupported_version: return "unsupported format version";
    case Error::checksum_mismatch: return "checksum mismatch";
    case Error::io: return "I/O error";
    case Error::unsupported: return "unsupported";
    case Error::output_too_small: return "output buffer too small";
  }
  return "unknown error";
}

}  // namespace ebpc
