// The C API on arbitrary bytes: ebpc_decompress and the callback reader must agree (the
// same data, or an error from both), and ebpc_decode with parameters from the input must
// return a status, never crash.
#include <ebpc/ebpc.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

struct Mem {
  const std::uint8_t* p;
  std::size_t n;
  std::size_t pos;
};

int64_t read_mem(void* user, void* buf, size_t nbytes) {
  auto* m = static_cast<Mem*>(user);
  const std::size_t k = std::min(nbytes, m->n - m->pos);
  std::memcpy(buf, m->p + m->pos, k);
  m->pos += k;
  return static_cast<int64_t>(k);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) {
    return 0;
  }
  constexpr std::uint64_t k_limit = std::uint64_t{4} << 20;
  void* out = nullptr;
  std::size_t out_nbytes = 0;
  const int st = ebpc_decompress(data, size, k_limit, 1, nullptr, nullptr, &out, &out_nbytes);
  if (st != EBPC_OK && (ebpc_status_string(st)[0] == '\0' || ebpc_last_error_message()[0] == '\0')) {
    __builtin_trap();  // every failure has a status text and a message
  }

  Mem m{data, size, 0};
  ebpc_reader* r = nullptr;
  std::vector<std::uint8_t> got;
  bool ok = ebpc_reader_open(read_mem, &m, 1 + (data[5] & 1), k_limit, &r) == EBPC_OK;
  if (ok) {
    ebpc_codec_params rp{};
    rp.struct_nbytes = sizeof rp;
    ebpc_array_info ri{};
    ri.struct_nbytes = sizeof ri;
    if (ebpc_reader_info(r, &rp, &ri) != EBPC_OK) {
      __builtin_trap();
    }
    std::uint8_t buf[4093];
    while (true) {
      const int64_t k = ebpc_reader_read(r, buf, sizeof buf);
      if (k < 0) {
        ok = false;
        break;
      }
      if (k == 0) {
        break;
      }
      got.insert(got.end(), buf, buf + k);
    }
    ebpc_reader_free(r);
  }
  if (ok != (st == EBPC_OK) || (ok && (got.size() != out_nbytes || std::memcmp(got.data(), out, out_nbytes) != 0))) {
    __builtin_trap();
  }
  ebpc_free(out);

  // Whole-buffer decode with parameters from the first bytes.
  ebpc_codec_params p;
  ebpc_codec_params_init(&p, 1u + data[0] % 7u, 1u << (data[1] % 3));
  p.word_nbits = 2u + data[2] % 31u;
  p.block_nwords = 2u << (data[3] % 5);
  p.lanes = p.codec == EBPC_CODEC_EBPC ? (data[5] >> 1) % 9u : 0;  // 0: one lane
  const std::size_t nwords = data[4] * 16u;
  std::vector<std::uint8_t> words(nwords * 4 + 1);
  const std::size_t stream0 = data[6] % (size - 7 + 1);
  (void)ebpc_decode(&p, data + 7, size - 7, stream0, words.data(), nwords);

  // A codec spec from the input's last bytes (up to 24, to the first NUL).
  char spec[25] = {};
  const std::size_t k = std::min<std::size_t>(24, size - 7);
  std::memcpy(spec, data + size - k, k);
  ebpc_codec_params q;
  ebpc_codec_params_init(&q, 1, 1);  // parse sets only the codec, the level and the lanes
  if (ebpc_codec_params_parse(&q, spec) == EBPC_OK && ebpc_bound_nbytes(&q, 1000) == 0) {
    __builtin_trap();  // a spec that parses gives usable parameters
  }
  return 0;
}
