// Test helper: writes .npy files for the CLI tests without Python.
//   make_npy OUT.npy DTYPE SHAPE(e.g. 4,5) SEED ZERO_PERCENT [fortran]
//   make_npy OUT.npy DTYPE --values v1,v2,...
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>

#include <ebpc/npy.hpp>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: make_npy OUT DTYPE SHAPE SEED ZERO_PERCENT [fortran] | OUT DTYPE --values LIST\n");
    return 2;
  }
  const ebpc::DTypeInfo* info = ebpc::dtype_from_name(argv[2]);
  if (info == nullptr) {
    std::fprintf(stderr, "unknown dtype\n");
    return 2;
  }
  ebpc::NpyHeader h;
  h.dtype = info->id;
  std::vector<std::uint8_t> data;
  auto push = [&](std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (unsigned b = 0; b < info->nbytes; ++b) {
      data.push_back(static_cast<std::uint8_t>(u >> (8 * b)));
    }
  };
  if (std::strcmp(argv[3], "--values") == 0) {
    std::stringstream ss(argc > 4 ? argv[4] : "");
    std::string item;
    std::uint64_t n = 0;
    while (std::getline(ss, item, ',')) {
      push(std::stoll(item));
      ++n;
    }
    h.shape = {n};
  } else {
    std::stringstream ss(argv[3]);
    std::string item;
    std::uint64_t n = 1;
    while (std::getline(ss, item, ',')) {
      h.shape.push_back(std::stoull(item));
      n *= h.shape.back();
    }
    std::mt19937_64 rng(std::strtoull(argv[4], nullptr, 10));
    const int zero_percent = std::atoi(argv[5]);
    h.fortran_order = argc > 6 && std::strcmp(argv[6], "fortran") == 0;
    std::int64_t walk = 10;
    for (std::uint64_t i = 0; i < n; ++i) {
      if (static_cast<int>(rng() % 100) < zero_percent) {
        push(0);
        continue;
      }
      walk += static_cast<std::int64_t>(rng() % 9) - 4;
      walk = walk < -100 ? -100 : walk > 100 ? 100 : walk;
      if (info->is_float) {
        const std::uint64_t pattern = rng();  // any bit pattern, NaNs included
        push(static_cast<std::int64_t>(pattern));
      } else if (!info->is_signed_int) {
        push(walk < 0 ? -walk : walk);
      } else {
        push(walk);
      }
    }
  }
  if (auto r = ebpc::write_npy(argv[1], h, data); !r) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
