// Co-simulation of our EBPC RTL (rtl/, Verilator) against the library codec: the encoder's
// two streams must equal encode_streams' words bit for bit, the decoder must give the input
// back, on seeded random inputs of every shape, the golden vectors and every layer of the
// shipped fixed8 dataset, with random back-pressure and input bubbles; with outputs always
// ready both must take at most N + a small constant cycles (docs/hardware.md, "Our RTL").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ebpc/ebpc.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <ebpc/rtl_sim.hpp>

#include "cosim_inputs.hpp"

namespace ebpc::rtl_test {
namespace {

using rtl::BpcBeat;
using rtl::DecodedTx;
using rtl::DecoderInput;
using rtl::EncodedTx;
using rtl::Traffic;

// With outputs always ready and no bubbles: ncycles <= N + this, encoder and decoder.
constexpr std::uint64_t k_latency_bound_ncycles = 16;

struct Expected {
  Words znz;
  Words bpc;
};

Expected reference(const Words& words, unsigned w, unsigned b) {
  const EbpcParams p{w, b, 16};
  auto s = encode_streams_to_vectors(words, p);
  if (!s) {
    throw std::runtime_error("encode_streams failed");
  }
  return {to_words(s->znz, s->sizes.znz_padded_nbits, w), to_words(s->bpc, s->sizes.bpc_padded_nbits, w)};
}

DecoderInput decoder_input(const Words& words, const Expected& e) {
  return rtl::decoder_input_of(words.size(), e.znz, e.bpc);
}

struct Cycles {
  std::vector<std::uint64_t> enc;
  std::vector<std::uint64_t> dec;
};

// Runs both tops on transmissions back to back and checks every stream and word. Returns the
// cycle counts per transmission.
Cycles check(unsigned w, unsigned b, const std::vector<Words>& txs, const Traffic& t, const std::string& what) {
  std::uint64_t total = 0;
  for (const auto& x : txs) {
    total += x.size();
  }
  const std::uint64_t max_ncycles = 64 * total + 1000 * txs.size() + 10000;
  std::vector<Expected> exp;
  std::vector<DecoderInput> din;
  for (const auto& x : txs) {
    exp.push_back(reference(x, w, b));
    din.push_back(decoder_input(x, exp.back()));
  }
  Cycles c;
  const auto got_or = value_or_fail(rtl::rtl_encode(w, b, txs, t, max_ncycles), what);
  if (!got_or) {
    return c;
  }
  const auto& got = *got_or;
  for (std::size_t k = 0; k < txs.size(); ++k) {
    EXPECT_EQ(got[k].znz_words, exp[k].znz) << what << " tx " << k << " ZNZ " << describe(txs[k]);
    EXPECT_EQ(got[k].bpc_words, exp[k].bpc) << what << " tx " << k << " BPC " << describe(txs[k]);
    c.enc.push_back(got[k].ncycles);
  }
  const auto out_or = value_or_fail(rtl::rtl_decode(w, b, din, t, max_ncycles), what);
  if (!out_or) {
    return c;
  }
  const auto& out = *out_or;
  for (std::size_t k = 0; k < txs.size(); ++k) {
    EXPECT_EQ(out[k].words, txs[k]) << what << " tx " << k << " decode " << describe(txs[k]);
    c.dec.push_back(out[k].ncycles);
  }
  return c;
}

// ---- inputs -------------------------------------------------------------------------------

// Random transmissions: zero fraction 0..100%, every kind, lengths mostly short.
std::vector<Words> random_batch(std::uint64_t seed, unsigned w, std::size_t ntx, std::size_t max_n) {
  std::mt19937_64 rng(seed);
  const double zf[] = {0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.99, 1.0};
  std::vector<Words> txs;
  for (std::size_t k = 0; k < ntx; ++k) {
    std::size_t n = 1 + rng() % 40;
    if (rng() % 4 == 0) {
      n = 1 + rng() % max_n;
    }
    txs.push_back(generate(rng, n, w, static_cast<int>(rng() % 6), zf[rng() % 9]));
  }
  return txs;
}

std::vector<Words> hang_shapes(unsigned b) {
  // the published encoder's hang: a multiple of B non-zero words, then zeros
  std::vector<Words> txs;
  for (unsigned nblk = 1; nblk <= 3; ++nblk) {
    for (unsigned nz = 0; nz <= 40; ++nz) {
      Words x;
      for (unsigned i = 0; i < nblk * b; ++i) {
        x.push_back(17 + 3 * i);
      }
      x.resize(x.size() + nz, 0);
      txs.push_back(x);
    }
  }
  return txs;
}

void random_suite(unsigned w, unsigned b, std::uint64_t seed0, int nbatches) {
  for (int i = 0; i < nbatches; ++i) {
    const std::uint64_t seed = seed0 + static_cast<std::uint64_t>(i);
    const auto txs = random_batch(seed, w, 40, 3000);
    const Traffic& t = k_traffics[static_cast<std::size_t>(i) % std::size(k_traffics)];
    SCOPED_TRACE("seed " + std::to_string(seed));
    check(w, b, txs, Traffic{t.in_bubble, t.out_ready, seed}, "random seed " + std::to_string(seed));
    if (::testing::Test::HasFailure()) {
      return;
    }
  }
}

// ---- tests --------------------------------------------------------------------------------

TEST(RtlCosim, RandomW8B8) {
  random_suite(8, 8, 1000, 400);
}
TEST(RtlCosim, RandomW16B8) {
  random_suite(16, 8, 2000, 400);
}
TEST(RtlCosim, RandomW16B16) {
  random_suite(16, 16, 3000, 200);
}

TEST(RtlCosim, HangShapesEveryTraffic) {
  for (const auto& t : k_traffics) {
    check(8, 8, hang_shapes(8), t, "hang shapes W=8");
    check(16, 8, hang_shapes(8), t, "hang shapes W=16");
    check(16, 16, hang_shapes(16), t, "hang shapes W=16 B=16");
  }
}

TEST(RtlCosim, LongInputs) {
  std::mt19937_64 rng(77);
  for (int kind = 0; kind < 6; ++kind) {
    const double z = kind == 5 ? 0.5 : 0.3 * (kind % 3);
    const Words x8 = generate(rng, 100000, 8, kind, z);
    const Words x16 = generate(rng, 100000, 16, kind, z);
    const Traffic t = k_traffics[static_cast<std::size_t>(kind)];
    check(8, 8, {x8}, t, "long W=8 kind " + std::to_string(kind));
    check(16, 8, {x16}, t, "long W=16 kind " + std::to_string(kind));
  }
}

TEST(RtlCosim, GoldenVectors) {
  std::ifstream f(std::string(EBPC_TEST_DATA_DIR) + "/ebpc_hw_golden.json");
  ASSERT_TRUE(f) << "golden vectors";
  const auto j = nlohmann::json::parse(f);
  int n = 0;
  for (const auto& v : j.at("vectors")) {
    const unsigned w = v.at("word_width").get<unsigned>();
    const unsigned b = v.at("block_size").get<unsigned>();
    ASSERT_EQ(b, 8u);
    Words x;
    for (const auto& e : v.at("values")) {
      x.push_back(static_cast<std::uint32_t>(e.get<std::int64_t>()) & ((1u << w) - 1));
    }
    Words znz, bpc;
    for (const auto& h : v.at("znz_words_hex")) {
      znz.push_back(static_cast<std::uint32_t>(std::stoul(h.get<std::string>(), nullptr, 16)));
    }
    for (const auto& h : v.at("bpc_words_hex")) {
      bpc.push_back(static_cast<std::uint32_t>(std::stoul(h.get<std::string>(), nullptr, 16)));
    }
    const Expected e = reference(x, w, b);
    ASSERT_EQ(e.znz, znz) << v.at("name");
    ASSERT_EQ(e.bpc, bpc) << v.at("name");
    for (const auto& t : k_traffics) {
      if (w == 8) {
        check(w, b, {x}, t, v.at("name").get<std::string>());
      } else {
        check(w, b, {x}, t, v.at("name").get<std::string>());
      }
    }
    ++n;
  }
  EXPECT_EQ(n, 8);
}

TEST(RtlCosim, EveryShippedFixed8Layer) {
  const auto layers = fmaps();
  ASSERT_EQ(layers.size(), 37u);
  std::uint64_t n = 0, enc = 0, dec = 0;
  std::printf("%-40s %9s %9s %9s\n", "layer (fixed8, W=8, B=8)", "N", "enc cyc", "dec cyc");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& [name, x] = layers[i];
    const auto c = check(8, 8, {x}, Traffic{}, name);
    std::printf("%-40s %9zu %9llu %9llu\n", name.c_str(), x.size(), static_cast<unsigned long long>(c.enc[0]),
                static_cast<unsigned long long>(c.dec[0]));
    EXPECT_LE(c.enc[0], x.size() + k_latency_bound_ncycles) << name;
    EXPECT_LE(c.dec[0], x.size() + k_latency_bound_ncycles) << name;
    n += x.size();
    enc += c.enc[0];
    dec += c.dec[0];
  }
  std::printf("%-40s %9llu %9llu %9llu  (%.5f / %.5f words/cycle)\n", "all layers", static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(enc), static_cast<unsigned long long>(dec),
              static_cast<double>(n) / static_cast<double>(enc), static_cast<double>(n) / static_cast<double>(dec));
  // two layers again under back-pressure and bubbles on every port
  check(8, 8, {layers[0].second}, Traffic{0.2, 0.6, 5}, layers[0].first);
  check(8, 8, {layers[20].second}, Traffic{0.5, 0.4, 6}, layers[20].first);
}

// Cycles with outputs always ready, on the shapes of the words/cycle table: printed, and bounded by N + C.
void throughput_rows(unsigned w, unsigned b) {
  std::mt19937_64 rng(5);
  struct Row {
    std::string name;
    Words x;
  };
  std::vector<Row> rows;
  for (std::size_t n : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 1000u, 32768u}) {
    Words dense(n), zeros(n, 0), worst(n), relu;
    for (std::size_t i = 0; i < n; ++i) {
      dense[i] = static_cast<std::uint32_t>(1 + rng() % ((1u << w) - 1));
      worst[i] = k_worst_block[i % 8];
    }
    relu = generate(rng, n, w, 1, 0.4);
    rows.push_back({"dense uniform", dense});
    rows.push_back({"all zeros", zeros});
    rows.push_back({"worst block repeated", worst});
    rows.push_back({"ReLU-like 40% zeros", relu});
    rows.push_back({"full-range extremes", generate(rng, n, w, 2, 0.0)});
  }
  std::printf("W=%u B=%u, outputs always ready: cycles (words/cycle)\n", w, b);
  std::printf("%-24s %7s %16s %16s\n", "data", "N", "encoder", "decoder");
  for (const auto& r : rows) {
    const auto c = check(w, b, {r.x}, Traffic{}, r.name);
    const double n = static_cast<double>(r.x.size());
    std::printf("%-24s %7zu %7llu (%.4f) %7llu (%.4f)\n", r.name.c_str(), r.x.size(),
                static_cast<unsigned long long>(c.enc[0]), n / static_cast<double>(c.enc[0]),
                static_cast<unsigned long long>(c.dec[0]), n / static_cast<double>(c.dec[0]));
    EXPECT_LE(c.enc[0], r.x.size() + k_latency_bound_ncycles) << r.name << " N=" << r.x.size();
    EXPECT_LE(c.dec[0], r.x.size() + k_latency_bound_ncycles) << r.name << " N=" << r.x.size();
  }
}

TEST(RtlThroughput, W8B8) {
  throughput_rows(8, 8);
}
TEST(RtlThroughput, W16B8) {
  throughput_rows(16, 8);
}
TEST(RtlThroughput, W16B16) {
  throughput_rows(16, 16);
}

}  // namespace
}  // namespace ebpc::rtl_test
