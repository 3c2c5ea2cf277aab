// A program linked with the decoder-only library alone (ebpc_decoder): it decodes an
// .ebpc file and compares it with the .npy it came from. That it links at all shows the
// decoder needs no encoder; check_symbols.sh shows that none is in the library either.
#include <cstdio>
#include <cstring>
#include <vector>

#include <ebpc/file.hpp>
#include <ebpc/npy.hpp>
#include <ebpc/stream.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: ebpc_decode_only FILE.ebpc EXPECTED.npy\n");
    return 2;
  }
  auto in = ebpc::InputFile::open(argv[1]);
  if (!in) {
    std::fprintf(stderr, "%s\n", in.error().message.c_str());
    return 1;
  }
  ebpc::StreamOptions so;
  so.threads = 2;
  auto reader = ebpc::ContainerReader::open((*in)->source(), so);
  if (!reader) {
    std::fprintf(stderr, "%s: %s\n", argv[1], reader.error().message.c_str());
    return 1;
  }
  const ebpc::ContainerHeader& h = (*reader)->header();
  std::vector<std::uint8_t> data(h.nwords * h.codec.elem_nbytes);
  if (auto r = (*reader)->read_all(data); !r) {
    std::fprintf(stderr, "%s: %s\n", argv[1], r.error().message.c_str());
    return 1;
  }
  auto expected = ebpc::read_npy(argv[2]);
  if (!expected) {
    std::fprintf(stderr, "%s\n", expected.error().message.c_str());
    return 1;
  }
  if (expected->header.dtype != h.dtype || expected->header.shape != h.shape || expected->data != data) {
    std::fprintf(stderr, "decoded data differs from %s\n", argv[2]);
    return 1;
  }
  std::printf("decoded %zu bytes of %s, identical\n", data.size(), argv[2]);
  return 0;
}
