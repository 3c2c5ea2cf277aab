// What the Python binding (python/src/_ebpc.cpp) does with the buffers a caller passes: any
// bytes as an .ebpc container decoded into an output buffer of the size the caller chose
// (ebpc.decompress_into: the header's size, or one that is off), on one or two threads;
// and any bytes as the hardware's raw stream files (ebpc.hw_decode: hw_words_to_stream,
// then the decoder with the caller's word count). A result or an error, never a crash, a
// hang, a read or write outside the buffers, or an allocation sized by the input.
// Layout: byte 0 chooses the entry point and its options, the rest is the buffer.
#include <algorithm>
#include <vector>

#include <ebpc/container.hpp>
#include <ebpc/ebpc.hpp>

#include "fuzz_params.hpp"

namespace {

void decompress_into(const std::uint8_t* data, std::size_t size, unsigned mode) {
  const std::span<const std::uint8_t> in(data, size);
  std::size_t pos = 0;
  auto h = ebpc::parse_header(in, &pos);
  std::size_t out_nbytes = 64;
  if (h && h->nwords <= (std::size_t{4} << 20) / h->codec.elem_nbytes) {
    out_nbytes = static_cast<std::size_t>(h->nwords * h->codec.elem_nbytes);
  }
  if ((mode & 6) == 2) {
    out_nbytes += 1;  // a buffer one byte too large
  } else if ((mode & 6) == 4 && out_nbytes != 0) {
    out_nbytes -= 1;  // or too small
  }
  std::vector<std::uint8_t> out(out_nbytes, 0xa5);
  const unsigned threads = (mode & 8) != 0 ? 2 : 1;
  auto r = ebpc::decompress_container_into(in, out, threads);
  if (r) {
    // Only a buffer of exactly the header's size is ever filled, and a whole-buffer decode agrees.
    ebpc::ContainerHeader h2;
    auto again = ebpc::decompress_container(in, &h2, std::uint64_t{4} << 20);
    if (!h || !again || *again != out) {
      __builtin_trap();
    }
  } else if (r.error().message.empty()) {
    __builtin_trap();
  }
}

void hw_decode(const std::uint8_t* data, std::size_t size) {
  ebpc::fuzz::Reader r{data, size};
  const ebpc::EbpcParams p = ebpc::fuzz::params_from(r);
  const std::size_t count = r.u16() % (ebpc::fuzz::k_max_fuzz_nwords + 1);
  const std::size_t znz_nbytes = r.n == 0 ? 0 : r.u16() % (r.n + 1);
  const std::span<const std::uint8_t> znz_file(r.p, std::min(znz_nbytes, r.n));
  const std::span<const std::uint8_t> bpc_file(r.p + znz_file.size(), r.n - znz_file.size());
  std::uint64_t bad = 0;
  auto znz = ebpc::hw_words_to_stream(znz_file, p.word_nbits, &bad);
  auto bpc = ebpc::hw_words_to_stream(bpc_file, p.word_nbits, &bad);
  if (!znz || !bpc) {
    return;
  }
  std::vector<std::uint32_t> out(count);
  auto d = ebpc::decode_streams(*znz, *bpc, p, std::span<std::uint32_t>(out));
  if (d && std::any_of(out.begin(), out.end(), [&](std::uint32_t v) {
        return p.word_nbits < 32 && (v >> p.word_nbits) != 0;
      })) {
    __builtin_trap();  // a decoded word wider than W
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const unsigned mode = data[0];
  if ((mode & 1) == 0) {
    decompress_into(data + 1, size - 1, mode);
  } else {
    hw_decode(data + 1, size - 1);
  }
  return 0;
}
