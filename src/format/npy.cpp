#include <ebpc/npy.hpp>

#include <zstd.h>


#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <string_view>

#include "common/check.hpp"
#include "common/endian.hpp"
#include <ebpc/file.hpp>

namespace ebpc {

namespace {

constexpr std::uint8_t k_npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

struct DescrMap {
  std::string_view descr;
  DType dtype;
};
constexpr DescrMap k_descrs[] = {
    {"|i1", DType::int8},    {"<i1", DType::int8},    {"|u1", DType::uint8},   {"<u1", DType::uint8},
    {"<i2", DType::int16},   {"<u2", DType::uint16},  {"<f2", DType::float16}, {"<i4", DType::int32},
    {"<u4", DType::uint32},  {"<f4", DType::float32},
};

std::string_view descr_of(DType d) {
  switch (d) {
    case DType::int8: return "|i1";
    case DType::uint8: return "|u1";
    case DType::int16: return "<i2";
    case DType::uint16: return "<u2";
    case DType::float16: return "<f2";
    case DType::int32: return "<i4";
    case DType::uint32: return "<u4";
    case DType::float32: return "<f4";
    case DType::bfloat16: return "<u2";  // numpy has no bfloat16: stored as its bit patterns
  }
  return "|u1";
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) {
    ++i;
  }
}


}  // namespace

Result<NpyHeader> parse_npy_header(std::span<const std::uint8_t> in) noexcept {
  EBPC_CHECK(in.size() >= 10, truncated);
  EBPC_CHECK(std::memcmp(in.data(), k_npy_magic, 6) == 0, corrupt);
  const std::uint8_t major = in[6];
  EBPC_CHECK(major >= 1 && major <= 3, unsupported_version);
  std::size_t len;
  std::size_t start;
  if (major == 1) {
    len = load_le<std::uint16_t>(in.data() + 8);
    start = 10;
  } else {
    EBPC_CHECK(in.size() >= 12, truncated);
    len = load_le<std::uint32_t>(in.data() + 8);
    start = 12;
    EBPC_CHECK(len <= (1u << 20), limit_exceeded);
  }
  EBPC_CHECK(in.size() >= start + len, truncated);
  const std::string_view dict(reinterpret_cast<const char*>(in.data() + start), len);

  NpyHeader h;
  h.data_offset = start + len;
  // The header is a Python literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
  // followed by spaces and a newline. Parsed as that literal (as numpy's safe_eval does):
  // exactly these three keys, each once, string keys and values in either quote style, no
  // escapes, True/False, a tuple of non-negative integers.
  std::size_t i = 0;
  auto string_at = [&](std::string_view& out) -> bool {
    if (i >= dict.size() || (dict[i] != '\'' && dict[i] != '"')) {
      return false;
    }
    const char q = dict[i];
    const auto e = dict.find(q, i + 1);
    if (e == std::string_view::npos || dict.substr(i + 1, e - i - 1).find('\\') != std::string_view::npos) {
      return false;
    }
    out = dict.substr(i + 1, e - i - 1);
    i = e + 1;
    return true;
  };
  skip_space(dict, i);
  EBPC_CHECK(i < dict.size() && dict[i] == '{', corrupt);
  ++i;
  bool have_descr = false;
  bool have_order = false;
  bool have_shape = false;
  std::uint64_t product = 1;
  while (true) {
    skip_space(dict, i);
    EBPC_CHECK(i < dict.size(), corrupt);
    if (dict[i] == '}') {
      ++i;
      break;
    }
    std::string_view key;
    EBPC_CHECK(string_at(key), corrupt);
    skip_space(dict, i);
    EBPC_CHECK(i < dict.size() && dict[i] == ':', corrupt);
    ++i;
    skip_space(dict, i);
    if (key == "descr") {
      EBPC_CHECK(!have_descr, corrupt);
      have_descr = true;
      EBPC_CHECK(i < dict.size() && (dict[i] == '\'' || dict[i] == '"'), unsupported);  // structured dtypes are lists
      std::string_view descr;
      EBPC_CHECK(string_at(descr), corrupt);
      bool found = false;
      for (const auto& m : k_descrs) {
        if (m.descr == descr) {
          h.dtype = m.dtype;
          found = true;
        }
      }
      EBPC_CHECK(found, unsupported);
    } else if (key == "fortran_order") {
      EBPC_CHECK(!have_order, corrupt);
      have_order = true;
      if (dict.substr(i, 4) == "True") {
        h.fortran_order = true;
        i += 4;
      } else {
        EBPC_CHECK(dict.substr(i, 5) == "False", corrupt);
        i += 5;
      }
    } else if (key == "shape") {
      EBPC_CHECK(!have_shape, corrupt);
      have_shape = true;
      EBPC_CHECK(i < dict.size() && dict[i] == '(', corrupt);
      ++i;
      bool need_comma_for_one = true;
      while (true) {
        skip_space(dict, i);
        EBPC_CHECK(i < dict.size(), corrupt);
        if (dict[i] == ')') {
          ++i;
          break;
        }
        std::uint64_t v = 0;
        std::size_t digits = 0;
        while (i < dict.size() && dict[i] >= '0' && dict[i] <= '9') {
          EBPC_CHECK(v <= (UINT64_MAX - 9) / 10, limit_exceeded);
          v = v * 10 + static_cast<std::uint64_t>(dict[i] - '0');
          ++i;
          ++digits;
        }
        while (i < dict.size() && dict[i] == 'L') {  // Python 2 longs
          ++i;
        }
        EBPC_CHECK(digits > 0, corrupt);
        EBPC_CHECK(h.shape.size() < k_max_ndim, limit_exceeded);
        h.shape.push_back(v);
        EBPC_CHECK(v == 0 || product <= UINT64_MAX / v, limit_exceeded);
        product *= v;
        skip_space(dict, i);
        EBPC_CHECK(i < dict.size(), corrupt);
        if (dict[i] == ',') {
          ++i;
          need_comma_for_one = false;
        } else {
          EBPC_CHECK(dict[i] == ')', corrupt);
        }
      }
      // (3) is the integer 3 in Python, not a tuple: a one-element shape needs its comma.
      EBPC_CHECK(h.shape.size() != 1 || !need_comma_for_one, corrupt);
    } else {
      return tl::unexpected(Error::corrupt);  // numpy writes no other key, and reads none
    }
    skip_space(dict, i);
    EBPC_CHECK(i < dict.size(), corrupt);
    if (dict[i] == ',') {
      ++i;
    } else {
      EBPC_CHECK(dict[i] == '}', corrupt);
    }
  }
  EBPC_CHECK(have_descr && have_order && have_shape, corrupt);
  skip_space(dict, i);
  EBPC_CHECK(i == dict.size(), corrupt);  // only padding after the dict
  h.nelems = product;
  const unsigned elem = dtype_info(h.dtype)->nbytes;
  EBPC_CHECK(product <= UINT64_MAX / 8, limit_exceeded);
  h.data_nbytes = product * elem;
  return h;
}

std::vector<std::uint8_t> make_npy_header(DType dtype, std::span<const std::uint64_t> shape, bool fortran_order) {
  std::string dict = "{'descr': '" + std::string(descr_of(dtype)) +
                     "', 'fortran_order': " + (fortran_order ? "True" : "False") + ", 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) {
      dict += ",";
    }
    if (i + 1 < shape.size()) {
      dict += " ";
    }
  }
  dict += "), }";
  // Pad with spaces and a newline so the data starts on a 64-byte boundary.
  const bool v2 = dict.size() + 11 > 65535;
  const std::size_t prefix = v2 ? 12 : 10;
  std::size_t total = prefix + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict.push_back('\n');
  std::vector<std::uint8_t> out(k_npy_magic, k_npy_magic + 6);
  out.push_back(v2 ? 2 : 1);
  out.push_back(0);
  if (v2) {
    const auto n = static_cast<std::uint32_t>(dict.size());
    for (int b = 0; b < 4; ++b) {
      out.push_back(static_cast<std::uint8_t>(n >> (8 * b)));
    }
  } else {
    const auto n = static_cast<std::uint16_t>(dict.size());
    out.push_back(static_cast<std::uint8_t>(n));
    out.push_back(static_cast<std::uint8_t>(n >> 8));
  }
  out.insert(out.end(), dict.begin(), dict.end());
  return out;
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

namespace {

// Decompresses one or more zstd frames as a stream: the output grows with what actually
// decompresses (a frame's claimed content size sizes nothing), up to max_nbytes
// (limit_exceeded beyond); frames without a content size (`cat x.npy | zstd`) are fine.
Result<std::vector<std::uint8_t>> zstd_decompress_stream(std::span<const std::uint8_t> in, std::uint64_t max_nbytes) {
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> ds(ZSTD_createDStream(), ZSTD_freeDStream);
  EBPC_CHECK(ds != nullptr, limit_exceeded);
  std::vector<std::uint8_t> out;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  std::size_t last = 1;
  while (ib.pos < ib.size || last != 0) {
    if (out.size() == out.capacity() || out.capacity() - out.size() < ZSTD_DStreamOutSize()) {
      EBPC_CHECK(out.size() < max_nbytes, limit_exceeded);
      out.reserve(std::max<std::size_t>(out.size() * 2, ZSTD_DStreamOutSize()));
    }
    const std::size_t before = out.size();
    out.resize(out.capacity());
    ZSTD_outBuffer ob{out.data() + before, out.size() - before, 0};
    last = ZSTD_decompressStream(ds.get(), &ob, &ib);
    out.resize(before + ob.pos);
    EBPC_CHECK(!ZSTD_isError(last), corrupt);
    EBPC_CHECK(out.size() <= max_nbytes, limit_exceeded);
    if (ib.pos == ib.size && ob.pos == 0 && last != 0) {
      return tl::unexpected(Error::truncated);  // the input ends inside a frame
    }
  }
  return out;
}

}  // namespace

namespace {

Result<NpyArray> read_npy_bytes(const std::string& path, std::uint64_t max_nbytes, std::optional<bool> zstd_frames) {
  auto raw = read_regular_file(path, max_nbytes);
  EBPC_TRY(raw);
  std::vector<std::uint8_t> bytes = std::move(*raw);
  if (zstd_frames.value_or(ends_with(path, ".zst"))) {
    auto plain = zstd_decompress_stream(bytes, max_nbytes);
    EBPC_TRY(plain);
    bytes = std::move(*plain);
  }
  auto h = parse_npy_header(bytes);
  EBPC_TRY(h);
  EBPC_CHECK(bytes.size() - h->data_offset >= h->data_nbytes, truncated);
  EBPC_CHECK(bytes.size() - h->data_offset == h->data_nbytes, corrupt);
  NpyArray a;
  a.header = *h;
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(h->data_offset), bytes.end());
  return a;
}

}  // namespace

Outcome<NpyArray> read_npy(const std::string& path, std::uint64_t max_nbytes, std::optional<bool> zstd_frames) {
  auto a = read_npy_bytes(path, max_nbytes, zstd_frames);
  if (a) {
    return std::move(*a);
  }
  switch (a.error()) {
    case Error::io: return tl::unexpected(Failure{Error::io, path + ": cannot read file"});
    case Error::unsupported:
      return tl::unexpected(Failure{Error::unsupported, path + ": unsupported .npy dtype (ebpc codes int8, uint8, int16, "
                                                               "uint16, float16, int32, uint32, float32, little-endian)"});
    default: return tl::unexpected(failure(a.error(), path + ": not a valid .npy file"));
  }
}

Outcome<void> write_npy(const std::string& path, const NpyHeader& header, std::span<const std::uint8_t> data) {
  AtomicFile out;
  if (auto r = out.open(path, true); !r) {
    return r;
  }
  const auto head = make_npy_header(header.dtype, header.shape, header.fortran_order);
  if (!out.write(head) || !out.write(data) || !out.commit()) {
    return tl::unexpected(Failure{Error::io, path + ": write error"});
  }
  return {};
}

Result<std::vector<std::uint32_t>> elements_to_word_vector(std::span<const std::uint8_t> elems, DType dtype,
                                                           unsigned word_nbits, std::uint64_t* bad_index) {
  std::vector<std::uint8_t> copy(elems.begin(), elems.end());
  EBPC_TRY(elements_to_words(copy, dtype, word_nbits, bad_index));
  const unsigned elem = dtype_info(dtype)->nbytes;
  std::vector<std::uint32_t> words(copy.size() / elem);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint32_t v = 0;
    std::memcpy(&v, copy.data() + i * elem, elem);
    words[i] = v;
  }
  return words;
}

Result<std::vector<std::uint32_t>> npy_to_words(const NpyArray& array, unsigned word_nbits, std::uint64_t* bad_index) {
  return elements_to_word_vector(array.data, array.header.dtype, word_nbits, bad_index);
}

Outcome<NpyHeader> read_npy_header(const ByteSource& source) {
  // The fixed prefix (magic, version, header length), then the dict.
  std::vector<std::uint8_t> head(12);
  auto got = source(head);
  if (!got) {
    return tl::unexpected(failure(got.error(), "read error"));
  }
  head.resize(*got);
  auto probe = parse_npy_header(head);
  if (!probe && probe.error() != Error::truncated) {
    return tl::unexpected(Failure{probe.error(), "not a valid .npy file"});
  }
  if (*got < 10) {
    return tl::unexpected(Failure{Error::corrupt, "not a valid .npy file (too short)"});
  }
  const std::size_t len = head[6] == 1 ? load_le<std::uint16_t>(head.data() + 8) : load_le<std::uint32_t>(head.data() + 8);
  const std::size_t prefix = head[6] == 1 ? 10 : 12;
  if (len > (1u << 20)) {
    return tl::unexpected(Failure{Error::limit_exceeded, "not a valid .npy file (header too large)"});
  }
  if (prefix + len <= *got) {
    return tl::unexpected(Failure{Error::corrupt, "not a valid .npy file"});
  }
  std::vector<std::uint8_t> full(head.begin(), head.end());
  full.resize(prefix + len);
  auto more = source(std::span<std::uint8_t>(full).subspan(*got));
  if (!more) {
    return tl::unexpected(failure(more.error(), "read error"));
  }
  if (*more != full.size() - *got) {
    return tl::unexpected(Failure{Error::truncated, "truncated input (ends inside the .npy header)"});
  }
  auto nh = parse_npy_header(full);
  if (!nh) {
    if (nh.error() == Error::unsupported) {
      return tl::unexpected(Failure{Error::unsupported, "unsupported .npy dtype"});
    }
    return tl::unexpected(Failure{nh.error(), "not a valid .npy file"});
  }
  return *nh;
}

}  // namespace ebpc
