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
    case Error::hardware_hang: return "the published RTL hangs on this input";
    case Error::cancelled: return "cancelled";
  }
  return "unknown error";
}

Failure failure(Error code, std::string_view context) {
  Failure f{code, {}};
  if (!context.empty()) {
    f.message.append(context).append(": ");
  }
  f.message.append(error_message(code));
  return f;
}

}  // namespace ebpc
