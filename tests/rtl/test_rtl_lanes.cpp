// Co-simulation of the lane tops of our RTL (rtl/ebpc_encoder_lanes.sv,
// rtl/ebpc_decoder_lanes.sv; docs/hardware.md "Lanes") against the library's laned codec
// (docs/format.md "Lanes"): every lane's two encoder streams must be byte for byte the lane's
// streams in the codec's coded buffer (`ebpc-L<LANES>`), and the decoder, fed the codec's
// lane streams, must give the buffer's words back, with back-pressure and bubbles on every
// port. With outputs always ready and no bubbles, both must take at most the longest lane's
// length plus a small constant cycles.
//
// What runs, at every LANES = 1, 2, 4, 8 (about 25 s in all on one core): every shipped fixed8
// layer (outputs ready; then two layers under back-pressure and bubbles), and synthetic
// buffers back to back (lane counts 1..LANES, a longer last lane, all-zero lanes, short
// buffers) under the six traffic patterns.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <ebpc/codecs.hpp>
#include <ebpc/rtl_sim.hpp>
#include <random>
#include <string>
#include <vector>

#include "cosim_inputs.hpp"

namespace ebpc::rtl_test {
namespace {

using rtl::DecoderInput;
using rtl::Traffic;

constexpr unsigned k_w = 8;
constexpr unsigned k_b = 8;

// Encoder: cycles <= the longest lane + this. Decoder: the longest lane + this per lane (each
// lane's first non-zero word waits for its first block, and the beat waits for every lane).
constexpr std::uint64_t k_enc_bound_ncycles = 16;
constexpr std::uint64_t k_dec_bound_ncycles_per_lane = 16;

struct LaneStreams {
  std::size_t nwords = 0;
  Words znz;
  Words bpc;
};

// The lanes of the library's laned codec (`ebpc-L<lanes>`, W = B = 8) for a buffer: each
// lane's word count and its two streams, read from the coded buffer (lane table or not).
std::vector<LaneStreams> reference_lanes(const Words& words, unsigned lanes) {
  CodecParams p;
  p.id = CodecId::ebpc;
  p.word_nbits = k_w;
  p.elem_nbytes = 4;
  p.block_nwords = k_b;
  p.lanes = lanes;
  const Codec* c = find_codec(CodecId::ebpc);
  std::vector<std::uint8_t> in(words.size() * 4);
  std::memcpy(in.data(), words.data(), in.size());
  std::vector<std::uint8_t> out(c->bound_nbytes(words.size(), p));
  const auto s = c->encode(in, p, out);
  if (!s) {
    throw std::runtime_error("ebpc-L" + std::to_string(lanes) + " encode failed");
  }
  out.resize(s->nbytes);
  const unsigned count = lane_count(words.size(), lanes);
  const std::size_t stride = lane_stride_nwords(words.size(), count);
  std::vector<LaneStreams> r(count);
  std::size_t pos = count > 1 ? 8 * count : 0;
  for (unsigned k = 0; k < count; ++k) {
    std::size_t znz_nbytes = s->stream0_nbytes;
    std::size_t bpc_nbytes = s->nbytes - s->stream0_nbytes;
    if (count > 1) {
      auto le32 = [&](std::size_t at) {
        return std::size_t{out[at]} | std::size_t{out[at + 1]} << 8 | std::size_t{out[at + 2]} << 16 |
               std::size_t{out[at + 3]} << 24;
      };
      znz_nbytes = le32(8 * k);
      bpc_nbytes = le32(8 * k + 4);
    }
    const std::vector<std::uint8_t> znz(out.begin() + static_cast<std::ptrdiff_t>(pos),
                                        out.begin() + static_cast<std::ptrdiff_t>(pos + znz_nbytes));
    pos += znz_nbytes;
    const std::vector<std::uint8_t> bpc(out.begin() + static_cast<std::ptrdiff_t>(pos),
                                        out.begin() + static_cast<std::ptrdiff_t>(pos + bpc_nbytes));
    pos += bpc_nbytes;
    r[k].nwords = k + 1 < count ? stride : words.size() - stride * k;
    r[k].znz = to_words(znz, 8 * znz.size(), k_w);
    r[k].bpc = to_words(bpc, 8 * bpc.size(), k_w);
  }
  if (pos != out.size()) {
    throw std::runtime_error("lane table does not cover the coded buffer");
  }
  return r;
}

struct Cycles {
  std::vector<std::uint64_t> enc;
  std::vector<std::uint64_t> dec;
  std::vector<std::size_t> longest_lane;  // words of the longest lane (= beats) per buffer
  std::vector<unsigned> count;            // lanes per buffer
};

// Runs both lane tops on buffers back to back and checks every lane's streams and the words.
Cycles check(unsigned lanes, const std::vector<Words>& bufs, const Traffic& t, const std::string& what) {
  std::uint64_t total = 0;
  for (const auto& x : bufs) {
    total += x.size();
  }
  const std::uint64_t max_ncycles = 64 * total + 1000 * bufs.size() + 10000;
  std::vector<std::vector<LaneStreams>> exp;
  std::vector<std::vector<DecoderInput>> din;
  Cycles c;
  for (const auto& x : bufs) {
    exp.push_back(reference_lanes(x, lanes));
    din.emplace_back();
    for (const auto& l : exp.back()) {
      din.back().push_back(rtl::decoder_input_of(l.nwords, l.znz, l.bpc));
    }
    c.longest_lane.push_back(exp.back().back().nwords);
    c.count.push_back(static_cast<unsigned>(exp.back().size()));
  }
  const std::string where = what + " LANES=" + std::to_string(lanes);
  const auto got_or = value_or_fail(rtl::rtl_encode_lanes(k_w, k_b, lanes, bufs, t, max_ncycles), where);
  if (!got_or) {
    return c;
  }
  const auto& got = *got_or;
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    EXPECT_EQ(got[i].lanes.size(), exp[i].size()) << where << " buffer " << i;
    for (std::size_t k = 0; k < std::min(got[i].lanes.size(), exp[i].size()); ++k) {
      EXPECT_EQ(got[i].lanes[k].znz_words, exp[i][k].znz)
          << where << " buffer " << i << " lane " << k << " ZNZ " << describe(bufs[i]);
      EXPECT_EQ(got[i].lanes[k].bpc_words, exp[i][k].bpc)
          << where << " buffer " << i << " lane " << k << " BPC " << describe(bufs[i]);
    }
    c.enc.push_back(got[i].ncycles);
  }
  const auto out_or = value_or_fail(rtl::rtl_decode_lanes(k_w, k_b, lanes, din, t, max_ncycles), where);
  if (!out_or) {
    return c;
  }
  const auto& out = *out_or;
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    EXPECT_EQ(out[i].words, bufs[i]) << where << " buffer " << i << " decode " << describe(bufs[i]);
    c.dec.push_back(out[i].ncycles);
  }
  return c;
}

void expect_bounds(const Cycles& c, std::size_t i, const std::string& what) {
  EXPECT_LE(c.enc[i], c.longest_lane[i] + k_enc_bound_ncycles) << what;
  EXPECT_LE(c.dec[i], c.longest_lane[i] + k_dec_bound_ncycles_per_lane * c.count[i]) << what;
}

// Layers one at a time, outputs ready and no bubbles: streams, words and the cycle bounds;
// prints a row per layer.
void layers(unsigned lanes, const std::vector<std::pair<std::string, Words>>& ls) {
  std::uint64_t n = 0, enc = 0, dec = 0;
  std::printf("LANES=%u %-34s %8s %5s %8s %8s %6s %8s %6s\n", lanes, "layer (fixed8, W=8, B=8)", "N", "lanes",
              "longest", "enc cyc", "w/c", "dec cyc", "w/c");
  for (const auto& [name, x] : ls) {
    const auto c = check(lanes, {x}, Traffic{}, name);
    const double nw = static_cast<double>(x.size());
    std::printf("LANES=%u %-34s %8zu %5u %8zu %8llu %6.3f %8llu %6.3f\n", lanes, name.c_str(), x.size(), c.count[0],
                c.longest_lane[0], static_cast<unsigned long long>(c.enc[0]), nw / static_cast<double>(c.enc[0]),
                static_cast<unsigned long long>(c.dec[0]), nw / static_cast<double>(c.dec[0]));
    expect_bounds(c, 0, name + " LANES=" + std::to_string(lanes));
    n += x.size();
    enc += c.enc[0];
    dec += c.dec[0];
    if (::testing::Test::HasFailure()) {
      return;
    }
  }
  std::printf("LANES=%u %-34s %8llu %5s %8s %8llu %6.3f %8llu %6.3f\n", lanes, "all",
              static_cast<unsigned long long>(n), "", "", static_cast<unsigned long long>(enc),
              static_cast<double>(n) / static_cast<double>(enc), static_cast<unsigned long long>(dec),
              static_cast<double>(n) / static_cast<double>(dec));
}

// Synthetic buffers back to back: lane counts 1..lanes, last lanes longer by 1..64*count
// words, all-zero lanes (empty BPC streams) first, in the middle and last, short buffers.
std::vector<Words> synthetic(unsigned lanes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Words> bufs;
  const std::size_t lane = k_min_lane_nwords;
  for (unsigned count = 1; count <= lanes; count *= 2) {
    const std::size_t n = count * lane + rng() % (64 * count);
    bufs.push_back(generate(rng, n, k_w, static_cast<int>(rng() % 6), 0.1 * static_cast<double>(rng() % 10)));
  }
  // a lane count between powers of two, and one lane of zeros (where lanes > 1)
  {
    const unsigned count = lanes > 2 ? lanes - 1 : lanes;
    Words x = generate(rng, count * lane + 63 * count + 5, k_w, 1, 0.3);
    if (count > 1) {
      const std::size_t stride = lane_stride_nwords(x.size(), lane_count(x.size(), lanes));
      std::fill(x.begin() + static_cast<std::ptrdiff_t>(stride), x.begin() + static_cast<std::ptrdiff_t>(2 * stride),
                0);
    }
    std::fill(x.begin(), x.begin() + 5000, 0);  // lane 0 starts with zeros
    bufs.push_back(std::move(x));
  }
  bufs.push_back(Words(lanes * lane + 17, 0));  // every lane all zero
  bufs.push_back(generate(rng, 1, k_w, 0, 0.0));
  bufs.push_back(generate(rng, 100, k_w, 5, 0.5));
  bufs.push_back(generate(rng, lane - 1, k_w, 1, 0.4));  // one word short of a lane: 1 lane
  {
    Words x = generate(rng, lanes * lane, k_w, 2, 0.0);  // the last lane all zero
    if (lanes > 1) {
      std::fill(x.end() - static_cast<std::ptrdiff_t>(lane), x.end(), 0);
    }
    bufs.push_back(std::move(x));
  }
  return bufs;
}

void synthetic_suite(unsigned lanes, std::uint64_t seed0) {
  for (std::size_t i = 0; i < std::size(k_traffics); ++i) {
    const Traffic& t = k_traffics[i];
    const std::uint64_t seed = seed0 + i;
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto bufs = synthetic(lanes, seed);
    check(lanes, bufs, Traffic{t.in_bubble, t.out_ready, seed}, "synthetic seed " + std::to_string(seed));
    if (::testing::Test::HasFailure()) {
      return;
    }
  }
  // the same buffers one at a time with outputs ready: the cycle bounds
  const auto bufs = synthetic(lanes, seed0);
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    const auto c = check(lanes, {bufs[i]}, Traffic{}, "synthetic buffer " + std::to_string(i));
    expect_bounds(c, 0, "synthetic buffer " + std::to_string(i) + " LANES=" + std::to_string(lanes));
  }
}

// Every layer at every LANES (about 4 s each), then two layers again under back-pressure
// and bubbles on every port.
void every_layer(unsigned lanes, const Traffic& t1, const Traffic& t2) {
  const auto ls = fmaps();
  ASSERT_EQ(ls.size(), 37u);
  layers(lanes, ls);
  check(lanes, {ls[0].second}, t1, ls[0].first);
  check(lanes, {ls[20].second}, t2, ls[20].first);
}

TEST(RtlLanes, EveryShippedFixed8LayerLanes1) {
  every_layer(1, Traffic{0.3, 0.5, 9}, Traffic{0.1, 0.9, 10});
}
TEST(RtlLanes, EveryShippedFixed8LayerLanes2) {
  every_layer(2, Traffic{0.3, 0.5, 7}, Traffic{0.0, 0.5, 8});
}
TEST(RtlLanes, EveryShippedFixed8LayerLanes4) {
  every_layer(4, Traffic{0.2, 0.6, 5}, Traffic{0.5, 0.4, 6});
}
TEST(RtlLanes, EveryShippedFixed8LayerLanes8) {
  every_layer(8, Traffic{0.2, 0.6, 3}, Traffic{0.8, 0.8, 4});
}

TEST(RtlLanes, SyntheticLanes1) {
  synthetic_suite(1, 100);
}
TEST(RtlLanes, SyntheticLanes2) {
  synthetic_suite(2, 200);
}
TEST(RtlLanes, SyntheticLanes4) {
  synthetic_suite(4, 400);
}
TEST(RtlLanes, SyntheticLanes8) {
  synthetic_suite(8, 800);
}

}  // namespace
}  // namespace ebpc::rtl_test
