// README "The library", C++ streaming example: compress stdin's raw uint8 data of a known
// shape into an .ebpc on stdout with 4 coding threads, then read it back chunk by chunk.
#include <unistd.h>

#include <cstdio>
#include <vector>

#include <ebpc/stream.hpp>

int main() {
  ebpc::ContainerHeader h;                                     // codec ebpc, W = 8, B = 8, Z = 16
  h.dtype = ebpc::DType::uint8;
  h.shape = {64, 56, 56};
  h.nwords = 64 * 56 * 56;
  std::vector<std::uint8_t> file;
  auto w = ebpc::ContainerWriter::create(h, ebpc::vector_sink(file), {.threads = 4});
  if (!w || !(*w)->write_from(ebpc::fd_source(STDIN_FILENO)) || !(*w)->finish()) {
    return 1;
  }
  auto r = ebpc::ContainerReader::open(ebpc::memory_source(file), {.threads = 2});
  std::size_t n = 0;
  for (auto c = (*r)->next_chunk(); c && !c->empty(); c = (*r)->next_chunk()) {
    n += c->size();                                            // decoded bytes of one chunk
  }
  std::printf("stream_example: %zu bytes -> %zu bytes -> %zu bytes\n", std::size_t{h.nwords}, file.size(), n);
  return n == h.nwords ? 0 : 1;
}
