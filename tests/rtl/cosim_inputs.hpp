// Inputs and helpers shared by the co-simulation tests of our RTL (test_rtl_cosim.cpp,
// test_rtl_lanes.cpp): seeded random words of every shape, the traffic patterns, the
// shipped fixed8 layers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ebpc/rtl_sim.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ebpc::rtl_test {

using Words = std::vector<std::uint32_t>;

// A stream's bytes (each W-bit word as W/8 big-endian bytes) as words.
inline Words to_words(const std::vector<std::uint8_t>& bytes, std::uint64_t padded_nbits, unsigned w) {
  Words out;
  const std::size_t nbytes = w / 8;
  for (std::uint64_t i = 0; i < padded_nbits / w; ++i) {
    std::uint32_t v = 0;
    for (std::size_t b = 0; b < nbytes; ++b) {
      v = (v << 8) | bytes[i * nbytes + b];
    }
    out.push_back(v);
  }
  return out;
}

inline std::string describe(const Words& w) {
  std::ostringstream s;
  s << "N=" << w.size() << " [";
  for (std::size_t i = 0; i < std::min<std::size_t>(w.size(), 24); ++i) {
    s << (i ? "," : "") << w[i];
  }
  s << (w.size() > 24 ? ",...]" : "]");
  return s.str();
}

inline const Words k_worst_block = {10, 112, 8, 110, 6, 108, 4, 106};

inline Words generate(std::mt19937_64& rng, std::size_t n, unsigned w, int kind, double zero_frac) {
  const std::uint32_t mask = (1u << w) - 1;
  const std::uint32_t smax = (1u << (w - 1)) - 1;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> g(0.0, w == 8 ? 16.0 : 2000.0);
  Words out;
  out.reserve(n);
  const double mean_burst = 1.0 + 40.0 * u(rng);
  bool burst_zero = u(rng) < zero_frac;
  while (out.size() < n) {
    std::uint32_t v = 0;
    switch (kind) {
      case 0:  // any pattern
        v = static_cast<std::uint32_t>(rng()) & mask;
        break;
      case 1:  // ReLU-like
        v = static_cast<std::uint32_t>(std::clamp<double>(std::round(std::fabs(g(rng))), 1.0, smax));
        break;
      case 2: {  // extremes: full-range deltas, all-ones planes
        const std::uint32_t pick[] = {1, mask, smax, smax + 1, smax + 2, mask - 1, 2, 0x55u & mask, 0xaau & mask};
        v = pick[rng() % 9];
        break;
      }
      case 3:  // the published design's worst block, repeated
        v = k_worst_block[out.size() % 8];
        break;
      case 4:  // smooth
        v = static_cast<std::uint32_t>(out.size() / 5 % 100 + 1);
        break;
      default: {  // bursts of zeros and non-zeros
        if (u(rng) < 1.0 / mean_burst) {
          burst_zero = u(rng) < zero_frac;
        }
        v = burst_zero ? 0 : (static_cast<std::uint32_t>(rng()) & mask);
        out.push_back(v);
        continue;
      }
    }
    if (u(rng) < zero_frac) {
      v = 0;
    }
    out.push_back(v);
  }
  return out;
}

inline const rtl::Traffic k_traffics[] = {
    {0.0, 1.0, 11}, {0.3, 1.0, 12}, {0.0, 0.5, 13}, {0.5, 0.3, 14}, {0.1, 0.9, 15}, {0.8, 0.8, 16},
};

// The shipped fixed8 layers (int8 .npy, C,H,W order), one transmission each.
inline std::vector<std::pair<std::string, Words>> fmaps() {
  std::vector<std::pair<std::string, Words>> out;
  const std::filesystem::path dir = std::filesystem::path(EBPC_SOURCE_DIR) / "data/fmaps-sample/mobilenet_v2-kite";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".npy") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream f(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (bytes.size() < 10 || std::string(bytes.data() + 1, 5) != "NUMPY") {
      throw std::runtime_error(p.string() + ": not a .npy");
    }
    const unsigned major = static_cast<unsigned char>(bytes[6]);
    std::size_t hlen = 0, hstart = 0;
    if (major == 1) {
      hlen =
          static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
      hstart = 10;
    } else {
      hlen = 0;
      for (int i = 3; i >= 0; --i) {
        hlen = (hlen << 8) | static_cast<unsigned char>(bytes[8 + static_cast<std::size_t>(i)]);
      }
      hstart = 12;
    }
    const std::string header(bytes.data() + hstart, hlen);
    if (header.find("'|i1'") == std::string::npos && header.find("'|u1'") == std::string::npos) {
      throw std::runtime_error(p.string() + ": not an 8-bit .npy");
    }
    Words x;
    for (std::size_t i = hstart + hlen; i < bytes.size(); ++i) {
      x.push_back(static_cast<unsigned char>(bytes[i]));
    }
    out.emplace_back(p.stem().string(), std::move(x));
  }
  return out;
}

// A run's result, or nothing after recording its failure (what: the case, for the message).
template <class T>
std::optional<T> value_or_fail(Outcome<T>&& r, const std::string& what) {
  if (!r) {
    ADD_FAILURE() << what << ": " << r.error().message;
    return std::nullopt;
  }
  return std::move(*r);
}

}  // namespace ebpc::rtl_test
