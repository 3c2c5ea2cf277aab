// Tests of the EBPC-X model (src/hw/ebpcx_*.cpp, src/hw/include/ebpc/hw_ebpcx.hpp, docs/ebpcx.md
// "Cycle model (src/hw)"):
// - round trip and per-word bin counts (decoder == encoder) on all 37 real sample maps and
//   on every bit pattern of the 16-bit formats;
// - coded sizes equal to the Python study's (bench/ebpcx_study.py abac_encode; the live
//   comparison of every stream byte is the ctest hw_ebpcx_oracle, tests/hw/ebpcx_oracle.py);
// - bins and raw bits per word equal to this file's own count from the word classes;
// - cycle counts equal to independent counts from those bins (word-aligned sum, the
//   closed form of the bin-packed schedule, the slowest lane);
// - state sizes against docs/ebpcx.md's cost table;
// - lanes, and errors on bad parameters and damaged streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ebpc/codecs.hpp>
#include <ebpc/hw_ebpcx.hpp>
#include <ebpc/npy.hpp>

namespace {

using ebpc::hw::EbpcxFormat;
using ebpc::hw::EbpcxParams;
using ebpc::hw::EbpcxShape;

const std::string k_sample_dir = EBPC_FMAPS_SAMPLE_DIR;

struct Map {
  std::string name;
  EbpcxShape shape;
  std::vector<std::uint32_t> words;
};

Map load_map(const std::string& name) {
  Map m;
  m.name = name;
  auto a = ebpc::read_npy(k_sample_dir + "/" + name + ".fixed8.npy");
  EXPECT_TRUE(a.has_value()) << name;
  if (!a) {
    return m;
  }
  m.shape = ebpc::hw::ebpcx_shape_of(a->header.shape);
  auto w = ebpc::npy_to_words(*a, 8);
  EXPECT_TRUE(w.has_value()) << name;
  m.words = w ? std::move(*w) : std::vector<std::uint32_t>{};
  return m;
}

std::vector<std::string> all_sample_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(k_sample_dir)) {
    const std::string f = e.path().filename().string();
    const std::string suffix = ".fixed8.npy";
    if (f.size() > suffix.size() && f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(f.substr(0, f.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

EbpcxParams fixed(unsigned w) { return {EbpcxFormat::fixed, w}; }

// This file's own binarisation (docs/ebpcx.md's list, not the model's code): class, mantissa
// bits, sign; base = the most frequent nonzero class (the first on ties, 1 when none).
struct OwnClass {
  unsigned cls = 0;
  unsigned mbits = 0;
  bool negative = false;
};

OwnClass own_class(std::uint32_t word, const EbpcxParams& p) {
  OwnClass c;
  if (p.format == EbpcxFormat::fixed) {
    std::int64_t v = word;
    if ((word >> (p.word_nbits - 1)) & 1u) {
      v -= std::int64_t{1} << p.word_nbits;
    }
    std::uint64_t a = static_cast<std::uint64_t>(v < 0 ? -v : v);
    while (a != 0) {
      ++c.cls;
      a >>= 1;
    }
    c.mbits = c.cls == 0 ? 0 : c.cls - 1;
    c.negative = v < 0;
  } else if (word != 0) {
    const unsigned m = p.format == EbpcxFormat::float16 ? 10 : 7;
    c.cls = ((word & 0x7fffu) >> m) + 1;
    c.mbits = m;
    c.negative = (word >> 15) != 0;
  }
  return c;
}

struct OwnCounts {
  std::vector<unsigned> bins;
  std::vector<unsigned> raw_nbits;
  unsigned base = 1;
};

OwnCounts own_counts(const std::vector<std::uint32_t>& words, const EbpcxParams& p) {
  const unsigned nclasses = ebpc::hw::ebpcx_class_count(p);
  std::vector<std::uint64_t> hist(nclasses + 1, 0);
  bool any_negative = false;
  for (const auto w : words) {
    const OwnClass c = own_class(w, p);
    if (c.cls != 0) {
      ++hist[c.cls];
      any_negative = any_negative || c.negative;
    }
  }
  OwnCounts out;
  for (unsigned s = 2; s < nclasses; ++s) {
    if (hist[s] > hist[out.base]) {
      out.base = s;
    }
  }
  for (const auto w : words) {
    const OwnClass c = own_class(w, p);
    unsigned bins = 1;  // zero flag
    unsigned raw = 0;
    if (c.cls != 0) {
      bins += 1;  // class == base
      const int d = static_cast<int>(c.cls) - static_cast<int>(out.base);
      if (d != 0) {
        const unsigned mag = static_cast<unsigned>(std::abs(d)) - 1;
        bins += 1 + std::min(mag + 1, 6u);  // direction, unary bins
        if (mag >= 6) {
          unsigned nb = 0;
          for (unsigned e = mag - 5; e != 0; e >>= 1) {
            ++nb;
          }
          raw += 2 * nb - 1;  // Exp-Golomb escape
        }
      }
      bins += c.mbits > 0 ? 1 : 0;  // top mantissa bit
      raw += (any_negative ? 1 : 0) + (c.mbits > 1 ? c.mbits - 1 : 0);
    }
    out.bins.push_back(bins);
    out.raw_nbits.push_back(raw);
  }
  return out;
}

ebpc::hw::EbpcxEncodeReport encode_ok(const std::vector<std::uint32_t>& words, const EbpcxShape& shape,
                                      const EbpcxParams& p, std::uint64_t origin = 0) {
  auto e = ebpc::hw::ebpcx_encode(words, shape, p, origin);
  EXPECT_TRUE(e.has_value());
  return e ? std::move(*e) : ebpc::hw::EbpcxEncodeReport{};
}

void expect_round_trip(const std::vector<std::uint32_t>& words, const EbpcxShape& shape, const EbpcxParams& p,
                       const std::string& what) {
  const auto e = encode_ok(words, shape, p);
  auto d = ebpc::hw::ebpcx_decode(e.streams, words.size(), shape, p);
  ASSERT_TRUE(d.has_value()) << what << ": " << ebpc::error_message(d.error());
  EXPECT_TRUE(d->words == words) << what;
  EXPECT_TRUE(d->bins_per_word == e.bins_per_word) << what;
  EXPECT_LE(d->range_nbytes_read, e.streams.range_bytes.size() + 4) << what;
  const OwnCounts own = own_counts(words, p);
  EXPECT_EQ(e.streams.base_class, own.base) << what;
  for (std::size_t i = 0; i < words.size(); ++i) {
    ASSERT_EQ(e.bins_per_word[i], own.bins[i]) << what << " word " << i;
    ASSERT_EQ(e.raw_nbits_per_word[i], own.raw_nbits[i]) << what << " word " << i;
  }
  std::uint64_t raw = 0;
  for (const auto r : own.raw_nbits) {
    raw += r;
  }
  EXPECT_EQ(e.streams.raw_nbits, raw) << what;
  // the register widths of the cost table hold every value the model's registers take
  EXPECT_LE(e.range.max_shifts_per_bin, 1u) << what;
  EXPECT_LT(e.range.max_low, std::uint64_t{1} << 33) << what;
  EXPECT_LT(e.range.max_pending_nbytes, std::uint64_t{1} << 16) << what;
}

TEST(EbpcxModel, RoundTripOnAllSampleMaps) {
  const auto names = all_sample_names();
  ASSERT_EQ(names.size(), 37u);
  for (const auto& n : names) {
    const Map m = load_map(n);
    ASSERT_EQ(m.words.size(), m.shape.nwords()) << n;
    expect_round_trip(m.words, m.shape, fixed(8), n);
  }
}

// From bench/ebpcx_study.py abac_encode(np.load(map), "fixed8", want_streams=True): total
// bits, len(range bytes), len(raw bits), base (tests/hw/ebpcx_oracle.py checks them live).
TEST(EbpcxModel, CodedSizeEqualsPythonStudy) {
  struct Want {
    const char* name;
    std::uint64_t coded_nbits;
    std::size_t range_nbytes;
    std::uint64_t raw_nbits;
    unsigned base;
  };
  const Want wants[] = {
      {"block_13_depthwise_relu", 91870, 6391, 40737, 6},
      {"dense_1", 766, 70, 201, 5},
      {"block_6_depthwise_relu", 159991, 9272, 85810, 6},
      {"block_16_expand_relu", 58851, 5173, 17462, 5},
      {"block_3_depthwise_relu", 419824, 0, 0, 0},
      {"out_relu", 47029, 0, 0, 0},
  };
  for (const auto& w : wants) {
    const Map m = load_map(w.name);
    const auto e = encode_ok(m.words, m.shape, fixed(8));
    EXPECT_EQ(e.streams.coded_nbits(), w.coded_nbits) << w.name;
    EXPECT_EQ(e.streams.header_nbits, 5u) << w.name;  // sign flag + 4-bit base
    if (w.range_nbytes != 0) {
      EXPECT_EQ(e.streams.range_bytes.size(), w.range_nbytes) << w.name;
      EXPECT_EQ(e.streams.raw_nbits, w.raw_nbits) << w.name;
      EXPECT_EQ(e.streams.base_class, w.base) << w.name;
      EXPECT_FALSE(e.streams.is_signed) << w.name;
    }
  }
}

// Every bit pattern of the 16-bit formats, and random words of every fixed width.
TEST(EbpcxModel, RoundTripEveryPattern) {
  std::vector<std::uint32_t> all(65536);
  for (std::uint32_t i = 0; i < all.size(); ++i) {
    all[i] = (i * 40503u) & 0xffffu;  // a permutation, so neighbours differ
  }
  const EbpcxShape shape{64, 32, 32};
  expect_round_trip(all, shape, fixed(16), "fixed16 all");
  expect_round_trip(all, shape, {EbpcxFormat::float16, 16}, "float16 all");
  expect_round_trip(all, shape, {EbpcxFormat::bfloat16, 16}, "bfloat16 all");
  std::uint64_t s = 12345;
  for (unsigned w = 2; w <= 16; ++w) {
    std::vector<std::uint32_t> words(3 * 9 * 11);
    for (auto& x : words) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      const unsigned shift = static_cast<unsigned>(s >> 60) % w;  // wide spread of classes
      x = static_cast<std::uint32_t>((s >> 20) >> (32 - w + shift)) & ((1u << w) - 1);
      if ((s >> 10) % 3 == 0) {
        x = 0;
      }
    }
    expect_round_trip(words, {3, 9, 11}, fixed(w), "fixed" + std::to_string(w));
  }
}

ebpc::hw::EbpcxReport model_ok(const Map& m, ebpc::hw::EbpcxCycleConfig c) {
  auto r = ebpc::hw::ebpcx_model(m.words, m.shape, fixed(8), c);
  EXPECT_TRUE(r.has_value()) << m.name << ": " << (r ? "" : r.error().message);
  return r ? std::move(*r) : ebpc::hw::EbpcxReport{};
}

TEST(EbpcxModel, CyclesEqualIndependentCounts) {
  for (const char* name : {"block_13_depthwise_relu", "dense_2", "block_16_depthwise_relu", "block_4_expand_relu"}) {
    const Map m = load_map(name);
    const OwnCounts own = own_counts(m.words, fixed(8));
    ebpc::hw::EbpcxCycleConfig c;
    c.bins_per_cycle = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    c.packed_fifo_nwords = m.words.size() + 1;  // never full: the closed form below holds
    const auto r = model_ok(m, c);
    ASSERT_EQ(r.cycles.size(), 10u);
    const unsigned max_bins = *std::max_element(own.bins.begin(), own.bins.end());
    EXPECT_EQ(r.max_bins_per_word, max_bins) << name;
    EXPECT_EQ(r.min_k_word_aligned(), max_bins) << name;
    std::uint64_t total = 0;
    for (const unsigned b : own.bins) {
      total += b;
    }
    EXPECT_EQ(r.context_bins, total) << name;
    for (const auto& cy : r.cycles) {
      const unsigned k = cy.bins_per_cycle;
      std::uint64_t aligned = 0;
      for (const unsigned b : own.bins) {
        aligned += std::max(1u, (b + k - 1) / k);
      }
      EXPECT_EQ(cy.coder_ncycles, aligned) << name << " k=" << k;
      // decoder: 1 cycle for the first 4 range bytes, 1 to put the last word out; a 4-byte
      // port never lets it wait for at most one byte per bin
      EXPECT_EQ(cy.decoder_input_stall_ncycles, 0u) << name << " k=" << k;
      EXPECT_EQ(cy.decoder_ncycles, aligned + 2) << name << " k=" << k;
      // encoder: context stage + coder + flush + at most two cycles to write the last bytes
      EXPECT_GE(cy.encoder_ncycles, aligned + 2) << name << " k=" << k;
      EXPECT_LE(cy.encoder_ncycles, aligned + 4) << name << " k=" << k;
      EXPECT_LE(cy.max_range_backlog_nbytes, 8u) << name << " k=" << k;
      EXPECT_EQ(cy.one_word_per_cycle, max_bins <= k) << name << " k=" << k;
      // bin-packed with room for every word: word j is there from cycle j + 1, k bins per
      // cycle, so the last bin is done at max_j (j + ceil(bins from word j on / k))
      std::uint64_t packed = 0;
      std::uint64_t rest = total;
      for (std::size_t j = 0; j < own.bins.size(); ++j) {
        packed = std::max<std::uint64_t>(packed, j + (rest + k - 1) / k);
        rest -= own.bins[j];
      }
      EXPECT_EQ(cy.packed_coder_ncycles, packed) << name << " k=" << k;
      EXPECT_EQ(cy.packed_input_stall_ncycles, 0u) << name << " k=" << k;
    }
  }
}

TEST(EbpcxModel, PackedFifoAndPortStalls) {
  const Map m = load_map("block_6_depthwise_relu");
  ebpc::hw::EbpcxCycleConfig c;
  c.bins_per_cycle = {3};
  c.packed_fifo_nwords = 16;
  const auto r16 = model_ok(m, c);
  c.packed_fifo_nwords = 1;
  const auto r1 = model_ok(m, c);
  // a smaller FIFO makes the source wait more and never finishes sooner
  EXPECT_GT(r16.cycles[0].packed_input_stall_ncycles, 0u);
  EXPECT_GE(r1.cycles[0].packed_input_stall_ncycles, r16.cycles[0].packed_input_stall_ncycles);
  EXPECT_GE(r1.cycles[0].packed_coder_ncycles, r16.cycles[0].packed_coder_ncycles);
  EXPECT_LE(r16.cycles[0].packed_coder_ncycles, r16.cycles[0].coder_ncycles);
  // a 1-byte range port: the decoder's cycles are the coder's + 2 + its input stalls
  c.range_port_nbytes = 1;
  c.bins_per_cycle = {4};
  const auto p1 = model_ok(m, c);
  EXPECT_EQ(p1.cycles[0].decoder_ncycles, 4 + p1.cycles[0].coder_ncycles + 1 + p1.cycles[0].decoder_input_stall_ncycles);
  // k above twice the port: the buffer holds k bytes, so even a cycle that needs k bytes ends
  // (on real data about one byte per 3 words: the buffer stays full and nothing waits)
  c.bins_per_cycle = {10};
  const auto p10 = model_ok(m, c);
  EXPECT_EQ(p10.cycles[0].decoder_ncycles,
            4 + p10.cycles[0].coder_ncycles + 1 + p10.cycles[0].decoder_input_stall_ncycles);
  // nearly incompressible words (every fixed16 pattern, most of their bits raw): the range
  // stream still takes well under a byte per cycle, so even a 1-byte port keeps up
  std::vector<std::uint32_t> all(65536);
  for (std::uint32_t i = 0; i < all.size(); ++i) {
    all[i] = (i * 40503u) & 0xffffu;
  }
  auto r = ebpc::hw::ebpcx_model(all, {64, 32, 32}, fixed(16), c);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->cycles[0].decoder_input_stall_ncycles, 0u);
  EXPECT_EQ(r->cycles[0].decoder_ncycles, 4 + r->cycles[0].coder_ncycles + 1 + r->cycles[0].decoder_input_stall_ncycles);
}

TEST(EbpcxModel, LanesRunInParallel) {
  const Map m = load_map("Conv1_relu");  // 401408 words: 8 lanes of 50176
  ebpc::hw::EbpcxCycleConfig c;
  c.lanes = 8;
  c.bins_per_cycle = {2, 4};
  const auto r = model_ok(m, c);
  ASSERT_EQ(r.lanes, 8u);
  ASSERT_EQ(r.lane_reports.size(), 8u);
  std::uint64_t coded = 0;
  std::vector<std::uint64_t> slowest(2, 0);
  for (const auto& l : r.lane_reports) {
    EXPECT_EQ(l.nwords, ebpc::lane_stride_nwords(m.words.size(), 8));
    const std::vector<std::uint32_t> lane(m.words.begin() + static_cast<std::ptrdiff_t>(l.origin),
                                          m.words.begin() + static_cast<std::ptrdiff_t>(l.origin + l.nwords));
    const auto e = encode_ok(lane, m.shape, fixed(8), l.origin);
    EXPECT_EQ(e.streams.coded_nbits(), l.streams.coded_nbits());
    coded += e.streams.coded_nbits();
    for (std::size_t i = 0; i < 2; ++i) {
      const unsigned k = c.bins_per_cycle[i];
      std::uint64_t n = 0;
      for (const auto b : e.bins_per_word) {
        n += std::max(1u, (b + k - 1) / k);
      }
      slowest[i] = std::max(slowest[i], n);
    }
  }
  EXPECT_EQ(r.coded_nbits, coded + 8 * 64);
  EXPECT_EQ(r.lane_table_nbits, 8u * 64);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.cycles[i].coder_ncycles, slowest[i]);
    EXPECT_DOUBLE_EQ(r.cycles[i].coder_cycles_per_word(),
                     static_cast<double>(slowest[i]) * 8.0 / static_cast<double>(m.words.size()));
  }
  // few words: one lane
  const Map small = load_map("dense_1");
  EXPECT_EQ(model_ok(small, c).lanes, 1u);
}

// A chunk that starts at a channel boundary sees no neighbour before it: it codes exactly as
// the same channels given as a map of their own.
TEST(EbpcxModel, ChunkAtChannelBoundaryEqualsCrop) {
  const Map m = load_map("block_3_expand_relu");
  const std::uint64_t plane = m.shape.plane_nwords();
  const std::uint64_t c0 = 100;
  const std::vector<std::uint32_t> tail(m.words.begin() + static_cast<std::ptrdiff_t>(c0 * plane), m.words.end());
  const auto as_lane = encode_ok(tail, m.shape, fixed(8), c0 * plane);
  const EbpcxShape crop{m.shape.channels - c0, m.shape.height, m.shape.width};
  const auto as_map = encode_ok(tail, crop, fixed(8), 0);
  EXPECT_EQ(as_lane.streams.range_bytes, as_map.streams.range_bytes);
  EXPECT_EQ(as_lane.streams.raw_bytes, as_map.streams.raw_bytes);
  // one row later it does not: the previous channel is in the chunk for the map but not for the lane
  const std::vector<std::uint32_t> tail2(m.words.begin() + static_cast<std::ptrdiff_t>(c0 * plane - plane),
                                         m.words.end());
  const auto longer = encode_ok(tail2, m.shape, fixed(8), c0 * plane - plane);
  EXPECT_NE(longer.streams.range_bytes, as_lane.streams.range_bytes);
}

// docs/ebpcx.md's cost table: 407 bits of probability state, 89 of range coder, ~25 of
// context, the row width and H x W bits of context memory, a 64-bit raw packer.
TEST(EbpcxModel, StateBitsMatchTheCostTable) {
  const EbpcxShape conv1{32, 112, 112};
  const auto enc = ebpc::hw::ebpcx_encoder_state(conv1, fixed(8), 401408, 8);
  EXPECT_EQ(enc.nbits_of("probability states"), 407u);
  EXPECT_EQ(enc.nbits_of("range coder: low") + enc.nbits_of("range coder: range") +
                enc.nbits_of("range coder: cached byte") + enc.nbits_of("range coder: pending-0xFF count"),
            89u);
  EXPECT_EQ(enc.nbits_of("above context: line buffer"), 112u);
  EXPECT_EQ(enc.nbits_of("previous-channel context: plane buffer"), 12544u);
  EXPECT_EQ(enc.sram_nbits(), 12544u);
  EXPECT_EQ(enc.nbits_of("raw packer: accumulator"), 64u);
  EXPECT_EQ(enc.nbits_of("pre-pass histogram (base)"), 8u * 19);  // 8 nonzero classes, counts up to 401408
  auto context = [](const ebpc::hw::EbpcxStateBits& s) {
    return s.nbits_of("context: left class") + s.nbits_of("context: base") + s.nbits_of("context: sign flag") +
           s.nbits_of("context: bin counter");
  };
  EXPECT_EQ(context(enc), 4u + 4 + 1 + 4);
  // the table's "~25": left class and base of <= 9 bits (bfloat16: 257 classes)
  const auto bf = ebpc::hw::ebpcx_encoder_state(conv1, {EbpcxFormat::bfloat16, 16}, 401408, 8);
  EXPECT_EQ(context(bf), 9u + 9 + 1 + 4);
  std::uint64_t ff = 0;
  for (const auto& it : enc.items) {
    ff += it.storage == ebpc::hw::EbpcxStorage::flip_flops ? it.nbits : 0;
  }
  EXPECT_EQ(enc.flip_flop_nbits(), ff);
  const auto dec = ebpc::hw::ebpcx_decoder_state(conv1, fixed(8), 4, 4);
  EXPECT_EQ(dec.nbits_of("probability states"), 407u);
  EXPECT_EQ(dec.nbits_of("range decoder: range") + dec.nbits_of("range decoder: code"), 64u);
  EXPECT_EQ(dec.nbits_of("range input buffer"), 64u);
  EXPECT_EQ(ebpc::hw::ebpcx_decoder_state(conv1, fixed(8), 1, 4).nbits_of("range input buffer"), 32u);
  EXPECT_EQ(dec.sram_nbits(), 12544u);
}

TEST(EbpcxModel, RejectsBadParametersAndDamagedStreams) {
  const EbpcxShape shape{2, 3, 4};
  std::vector<std::uint32_t> words(24);
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = static_cast<std::uint32_t>((i * 37) & 0xff);
  }
  EXPECT_FALSE(ebpc::hw::validate(fixed(1)));
  EXPECT_FALSE(ebpc::hw::validate(fixed(17)));
  EXPECT_FALSE(ebpc::hw::validate(EbpcxParams{EbpcxFormat::float16, 8}));
  EXPECT_TRUE(ebpc::hw::validate(fixed(8)));
  EXPECT_EQ(ebpc::hw::ebpcx_encode(words, shape, fixed(17)).error(), ebpc::Error::bad_parameter);
  auto wide = words;
  wide[3] = 0x100;
  EXPECT_EQ(ebpc::hw::ebpcx_encode(wide, shape, fixed(8)).error(), ebpc::Error::bad_parameter);
  EXPECT_EQ(ebpc::hw::ebpcx_encode(words, shape, fixed(8), 1).error(), ebpc::Error::bad_parameter);
  ebpc::hw::EbpcxCycleConfig c;
  EXPECT_EQ(ebpc::hw::ebpcx_model(std::span(words).first(23), shape, fixed(8), c).error().code,
            ebpc::Error::bad_parameter);
  c.bins_per_cycle = {0};
  EXPECT_FALSE(ebpc::hw::validate(c));
  c.bins_per_cycle = {11};
  EXPECT_FALSE(ebpc::hw::validate(c));
  c.bins_per_cycle = {4};
  c.lanes = 33;
  EXPECT_FALSE(ebpc::hw::validate(c));

  const Map m = load_map("block_13_depthwise_relu");
  const auto e = encode_ok(m.words, m.shape, fixed(8));
  auto bad = e.streams;
  bad.base_class = 0;
  EXPECT_EQ(ebpc::hw::ebpcx_decode(bad, m.words.size(), m.shape, fixed(8)).error(), ebpc::Error::corrupt);
  bad = e.streams;
  bad.base_class = 9;
  EXPECT_EQ(ebpc::hw::ebpcx_decode(bad, m.words.size(), m.shape, fixed(8)).error(), ebpc::Error::corrupt);
  bad = e.streams;
  bad.raw_nbits -= 1;
  EXPECT_EQ(ebpc::hw::ebpcx_decode(bad, m.words.size(), m.shape, fixed(8)).error(), ebpc::Error::truncated);
  bad = e.streams;
  bad.range_bytes.resize(bad.range_bytes.size() / 2);
  const auto half = ebpc::hw::ebpcx_decode(bad, m.words.size(), m.shape, fixed(8));
  EXPECT_FALSE(half.has_value() && half->words == m.words);
  bad = e.streams;
  bad.raw_nbits = 8 * bad.raw_bytes.size() + 1;
  EXPECT_EQ(ebpc::hw::ebpcx_decode(bad, m.words.size(), m.shape, fixed(8)).error(), ebpc::Error::bad_parameter);
  // single byte flips: an error or other words, never a crash
  for (std::size_t i = 0; i + 8 < e.streams.range_bytes.size(); i += 97) {
    bad = e.streams;
    bad.range_bytes[i] ^= 0x10;
    const auto d = ebpc::hw::ebpcx_decode(bad, m.words.size(), m.shape, fixed(8));
    EXPECT_FALSE(d.has_value() && d->words == m.words) << i;
  }
}

}  // namespace
