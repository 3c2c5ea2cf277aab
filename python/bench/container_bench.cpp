// The library's whole-buffer container (compress_container / decompress_container) on the
// .npy of python/bench/throughput.py (a 1-d int8 array, 128-byte header), to compare with
// ebpc.compress / ebpc.decompress. Build: g++ -O2 -std=c++20 -I include
// python/bench/container_bench.cpp build/release/src/libebpc.a build/release/src/libebpc_decoder.a
// -lzstd -llz4 -ldeflate -lxxhash -o /tmp/container_bench; run: /tmp/container_bench big.npy
#include <ebpc/container.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>
int main(int, char** argv) {
  std::ifstream f(argv[1], std::ios::binary);
  std::vector<std::uint8_t> all((std::istreambuf_iterator<char>(f)), {});
  const std::size_t hdr = 128;  // numpy 1.x header of a 1-d array
  std::span<const std::uint8_t> a(all.data() + hdr, all.size() - hdr);
  ebpc::ContainerHeader h;
  h.dtype = ebpc::DType::int8; h.codec.elem_nbytes = 1; h.codec.word_nbits = 8;
  h.shape = {a.size()}; h.nwords = a.size(); h.chunk_nwords = 1u << 18;
  std::vector<double> te, td;
  for (int r = 0; r < 7; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    auto c = ebpc::compress_container(a, h);
    auto t1 = std::chrono::steady_clock::now();
    auto d = ebpc::decompress_container(*c, nullptr, UINT64_MAX);
    auto t2 = std::chrono::steady_clock::now();
    if (!d || !std::equal(d->begin(), d->end(), a.begin())) return 1;
    te.push_back(std::chrono::duration<double>(t1 - t0).count());
    td.push_back(std::chrono::duration<double>(t2 - t1).count());
  }
  std::sort(te.begin(), te.end()); std::sort(td.begin(), td.end());
  std::printf("compress_container %.1f MB/s, decompress_container %.1f MB/s\n", a.size() / te[3] / 1e6, a.size() / td[3] / 1e6);
}
