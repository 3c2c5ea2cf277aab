// Cycle drivers for the Verilator models of the lane tops rtl/ebpc_encoder_lanes.sv and
// rtl/ebpc_decoder_lanes.sv (docs/hardware.md "Lanes"). Cycle counts, bubbles and
// back-pressure as rtl_harness.hpp: the shared input port (encoder) and the count port
// (decoder) get one bubble coin, every other port its own.
//
// The packed-array ports of LANES fields (lane k's field at bits [k*F, (k+1)*F)) are, in
// Verilator, one integer of up to 64 bits or a VlWide of 32-bit words; field_get/field_set
// read and write a field of either.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ebpc/codecs.hpp>
#include <ebpc/rtl_sim.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "rtl_harness.hpp"

namespace ebpc::rtl_test {

template <class T>
std::uint64_t field_get(const T& v, unsigned lsb, unsigned nbits) {
  const std::uint64_t mask = nbits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << nbits) - 1;
  if constexpr (std::is_integral_v<T>) {
    return (static_cast<std::uint64_t>(v) >> lsb) & mask;
  } else {
    std::uint64_t r = 0;
    for (unsigned i = 0; i < nbits;) {
      const unsigned bit = lsb + i;
      const unsigned take = std::min(32 - bit % 32, nbits - i);
      r |= ((static_cast<std::uint64_t>(v.at(bit / 32)) >> (bit % 32)) & ((std::uint64_t{1} << take) - 1)) << i;
      i += take;
    }
    return r;
  }
}

template <class T>
void field_set(T& v, unsigned lsb, unsigned nbits, std::uint64_t x) {
  if constexpr (std::is_integral_v<T>) {
    const std::uint64_t mask = ((nbits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << nbits) - 1)) << lsb;
    v = static_cast<T>((static_cast<std::uint64_t>(v) & ~mask) | ((x << lsb) & mask));
  } else {
    for (unsigned i = 0; i < nbits;) {
      const unsigned bit = lsb + i;
      const unsigned take = std::min(32 - bit % 32, nbits - i);
      const std::uint32_t m = static_cast<std::uint32_t>(((std::uint64_t{1} << take) - 1) << (bit % 32));
      const auto part = static_cast<std::uint32_t>(((x >> i) << (bit % 32)) & m);
      v.at(bit / 32) = (v.at(bit / 32) & ~m) | part;
      i += take;
    }
  }
}

template <class T>
bool bit_get(const T& v, unsigned k) {
  return field_get(v, k, 1) != 0;
}
template <class T>
void bit_set(T& v, unsigned k, bool b) {
  field_set(v, k, 1, b ? 1 : 0);
}

// The lanes of a buffer (docs/format.md "Lanes", L = lanes): first word and length of each.
struct LaneSpan {
  std::size_t first = 0;
  std::size_t nwords = 0;
};
inline std::vector<LaneSpan> lane_spans(std::size_t nwords, unsigned lanes) {
  const unsigned count = lane_count(nwords, lanes);
  const std::size_t stride = lane_stride_nwords(nwords, count);
  std::vector<LaneSpan> out;
  for (unsigned k = 0; k < count; ++k) {
    const std::size_t first = stride * k;
    out.push_back({first, k + 1 < count ? stride : nwords - first});
  }
  return out;
}

// Runs the lane encoder on buffers back to back (no reset between them).
template <class M>
std::vector<rtl::LanesEncodedBuf> run_encoder_lanes(M& m, unsigned word_nbits, unsigned lanes,
                                                    const std::vector<std::vector<std::uint32_t>>& bufs,
                                                    const rtl::Traffic& t, std::uint64_t max_ncycles) {
  const unsigned w = word_nbits;
  Coin in_coin(t.seed * 3 + 1);
  std::vector<Coin> znz_coin, bpc_coin;
  for (unsigned k = 0; k < lanes; ++k) {
    znz_coin.emplace_back(t.seed * 3 + 2 + 1000 * k);
    bpc_coin.emplace_back(t.seed * 3 + 3 + 1000 * k);
  }
  reset(m);
  std::vector<rtl::LanesEncodedBuf> out(bufs.size());
  std::vector<std::vector<LaneSpan>> spans;
  std::vector<std::size_t> nbeats;
  // per lane: the buffers that have this lane, in order, and where each stream is in them
  std::vector<std::vector<std::size_t>> lane_bufs(lanes);
  std::vector<std::vector<bool>> znz_done(bufs.size()), bpc_done(bufs.size());
  std::vector<unsigned> nlanes_done(bufs.size(), 0);
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    spans.push_back(lane_spans(bufs[i].size(), lanes));
    nbeats.push_back(spans.back().back().nwords);
    out[i].lanes.resize(spans.back().size());
    znz_done[i].assign(spans.back().size(), false);
    bpc_done[i].assign(spans.back().size(), false);
    for (std::size_t k = 0; k < spans.back().size(); ++k) {
      lane_bufs[k].push_back(i);
      const auto& s = spans.back()[k];
      bpc_done[i][k] = std::all_of(bufs[i].begin() + static_cast<std::ptrdiff_t>(s.first),
                                   bufs[i].begin() + static_cast<std::ptrdiff_t>(s.first + s.nwords),
                                   [](std::uint32_t v) { return v == 0; });
    }
  }
  std::vector<std::size_t> znz_pos(lanes, 0), bpc_pos(lanes, 0);  // index into lane_bufs[k]
  std::size_t in_buf = 0, beat = 0, ndone = 0;
  bool offering = false;
  std::uint64_t tx_start = 0;
  for (std::uint64_t cycle = 0;; ++cycle) {
    if (cycle >= max_ncycles) {
      throw Timeout("lane encoder: no end after " + std::to_string(cycle) + " cycles");
    }
    if (in_buf < bufs.size() && !offering) {
      offering = !in_coin(t.in_bubble);
    }
    m.in_valid_i = offering ? 1 : 0;
    for (unsigned k = 0; k < lanes; ++k) {
      const bool has = offering && k < spans[in_buf].size() && beat < spans[in_buf][k].nwords;
      bit_set(m.in_mask_i, k, has);
      field_set(m.in_data_i, k * w, w, has ? bufs[in_buf][spans[in_buf][k].first + beat] : 0);
      bit_set(m.in_last_i, k, has && beat + 1 == spans[in_buf][k].nwords);
      bit_set(m.znz_ready_i, k, znz_coin[k](t.out_ready));
      bit_set(m.bpc_ready_i, k, bpc_coin[k](t.out_ready));
    }
    m.eval();
    if (offering && m.in_ready_o) {
      if (beat == 0) {
        out[in_buf].first_cycle = cycle;
      }
      if (++beat == nbeats[in_buf]) {
        out[in_buf].last_in_cycle = cycle;
        ++in_buf;
        beat = 0;
      }
      offering = false;
    }
    auto lane_finished = [&](std::size_t i, std::size_t k) {
      if (znz_done[i][k] && bpc_done[i][k] && ++nlanes_done[i] == spans[i].size()) {
        out[i].ncycles = cycle + 1 - tx_start;
        tx_start = cycle + 1;
        ++ndone;
      }
    };
    for (unsigned k = 0; k < lanes; ++k) {
      const std::string lane = "lane encoder: lane " + std::to_string(k) + ": ";
      if (bit_get(m.znz_valid_o, k) && bit_get(m.znz_ready_i, k)) {
        while (znz_pos[k] < lane_bufs[k].size() && znz_done[lane_bufs[k][znz_pos[k]]][k]) {
          ++znz_pos[k];
        }
        if (znz_pos[k] >= lane_bufs[k].size()) {
          throw std::runtime_error(lane + "ZNZ word after its last transmission");
        }
        const std::size_t i = lane_bufs[k][znz_pos[k]];
        auto& e = out[i].lanes[k];
        if (!e.first_znz_cycle) {
          e.first_znz_cycle = cycle;
        }
        e.znz_words.push_back(static_cast<std::uint32_t>(field_get(m.znz_data_o, k * w, w)));
        if (bit_get(m.znz_last_o, k)) {
          znz_done[i][k] = true;
          lane_finished(i, k);
        }
      }
      if (bit_get(m.bpc_valid_o, k) && bit_get(m.bpc_ready_i, k)) {
        while (bpc_pos[k] < lane_bufs[k].size() && bpc_done[lane_bufs[k][bpc_pos[k]]][k]) {
          ++bpc_pos[k];
        }
        if (bpc_pos[k] >= lane_bufs[k].size()) {
          throw std::runtime_error(lane + "BPC word after its last transmission");
        }
        const std::size_t i = lane_bufs[k][bpc_pos[k]];
        auto& e = out[i].lanes[k];
        const std::uint64_t d = field_get(m.bpc_data_o, 2 * k * w, 2 * w);
        rtl::BpcBeat b{static_cast<std::uint32_t>(d >> w), static_cast<std::uint32_t>(d & ((1u << w) - 1)),
                       bit_get(m.bpc_pair_o, k), bit_get(m.bpc_last_o, k)};
        if (!b.pair && !b.last) {
          throw std::runtime_error(lane + "a one-word BPC handshake that is not the last");
        }
        if (!e.first_bpc_cycle) {
          e.first_bpc_cycle = cycle;
        }
        e.bpc_beats.push_back(b);
        e.bpc_words.push_back(b.hi);
        if (b.pair) {
          e.bpc_words.push_back(b.lo);
        } else if (b.lo != 0) {
          throw std::runtime_error(lane + "unused BPC low word is not zero");
        }
        if (b.last) {
          bpc_done[i][k] = true;
          lane_finished(i, k);
        }
      }
    }
    tick(m);
    if (ndone == bufs.size()) {
      break;
    }
  }
  return out;
}

// Runs the lane decoder on buffers back to back. Every stream word offered must be taken by
// the end of its buffer (and none of the next buffer's before its count); every output beat's
// mask and last flags must be the lanes' (docs/hardware.md "Lanes").
template <class M>
std::vector<rtl::DecodedTx> run_decoder_lanes(M& m, unsigned word_nbits, unsigned lanes,
                                              const std::vector<std::vector<rtl::DecoderInput>>& bufs,
                                              const rtl::Traffic& t, std::uint64_t max_ncycles) {
  const unsigned w = word_nbits;
  Coin cnt_coin(t.seed * 5 + 1);
  Coin out_coin(t.seed * 5 + 4);
  std::vector<Coin> znz_coin, bpc_coin;
  std::vector<std::vector<std::size_t>> lane_bufs(lanes);
  std::vector<std::size_t> nbeats;
  for (unsigned k = 0; k < lanes; ++k) {
    znz_coin.emplace_back(t.seed * 5 + 2 + 1000 * k);
    bpc_coin.emplace_back(t.seed * 5 + 3 + 1000 * k);
  }
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    if (bufs[i].empty() || bufs[i].size() > lanes) {
      throw std::invalid_argument("lane decoder: a buffer of " + std::to_string(bufs[i].size()) + " lanes");
    }
    std::size_t n = 0;
    for (std::size_t k = 0; k < bufs[i].size(); ++k) {
      if (bufs[i][k].nwords == 0 || bufs[i][k].nwords > (std::uint64_t{1} << 24)) {
        throw std::invalid_argument("lane decoder: a lane of " + std::to_string(bufs[i][k].nwords) + " words");
      }
      lane_bufs[k].push_back(i);
      n = std::max<std::size_t>(n, bufs[i][k].nwords);
    }
    nbeats.push_back(n);
  }
  reset(m);
  std::vector<rtl::DecodedTx> out(bufs.size());
  std::vector<std::vector<std::vector<std::uint32_t>>> words(bufs.size());
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    words[i].resize(bufs[i].size());
  }
  struct Port {
    std::size_t pos = 0;  // index into lane_bufs[k]
    std::size_t i = 0;    // word or beat index in that buffer's stream
    bool offering = false;
  };
  std::vector<Port> znz(lanes), bpc(lanes);
  std::size_t cnt_buf = 0, out_buf = 0, out_beat = 0;
  bool cnt_off = false;
  std::uint64_t tx_start = 0;
  auto znz_len = [&](unsigned k, std::size_t pos) { return bufs[lane_bufs[k][pos]][k].znz_words.size(); };
  auto bpc_len = [&](unsigned k, std::size_t pos) { return bufs[lane_bufs[k][pos]][k].bpc_beats.size(); };
  auto skip_empty = [&]() {
    for (unsigned k = 0; k < lanes; ++k) {
      while (znz[k].pos < lane_bufs[k].size() && znz[k].i == znz_len(k, znz[k].pos)) {
        ++znz[k].pos;
        znz[k].i = 0;
      }
      while (bpc[k].pos < lane_bufs[k].size() && bpc[k].i == bpc_len(k, bpc[k].pos)) {
        ++bpc[k].pos;
        bpc[k].i = 0;
      }
    }
  };
  skip_empty();
  for (std::uint64_t cycle = 0;; ++cycle) {
    if (cycle >= max_ncycles) {
      throw Timeout("lane decoder: no end after " + std::to_string(cycle) + " cycles");
    }
    if (cnt_buf < bufs.size() && !cnt_off) {
      cnt_off = !cnt_coin(t.in_bubble);
    }
    m.cnt_valid_i = cnt_off ? 1 : 0;
    for (unsigned k = 0; k < lanes; ++k) {
      const bool has = cnt_off && k < bufs[cnt_buf].size();
      bit_set(m.cnt_mask_i, k, has);
      field_set(m.cnt_data_i, 24 * k, 24, has ? bufs[cnt_buf][k].nwords - 1 : 0);
      Port& z = znz[k];
      if (z.pos < lane_bufs[k].size() && !z.offering) {
        z.offering = !znz_coin[k](t.in_bubble);
      }
      bit_set(m.znz_valid_i, k, z.offering);
      const auto* zin = z.offering ? &bufs[lane_bufs[k][z.pos]][k] : nullptr;
      field_set(m.znz_data_i, k * w, w, zin ? zin->znz_words[z.i] : 0);
      bit_set(m.znz_last_i, k, zin && z.i + 1 == zin->znz_words.size());
      Port& p = bpc[k];
      if (p.pos < lane_bufs[k].size() && !p.offering) {
        p.offering = !bpc_coin[k](t.in_bubble);
      }
      bit_set(m.bpc_valid_i, k, p.offering);
      const rtl::BpcBeat* b = p.offering ? &bufs[lane_bufs[k][p.pos]][k].bpc_beats[p.i] : nullptr;
      field_set(m.bpc_data_i, 2 * k * w, 2 * w, b ? (std::uint64_t{b->hi} << w) | b->lo : 0);
      bit_set(m.bpc_pair_i, k, b && b->pair);
      bit_set(m.bpc_last_i, k, b && b->last);
    }
    m.out_ready_i = out_coin(t.out_ready) ? 1 : 0;
    m.eval();
    if (cnt_off && m.cnt_ready_o) {
      if (cnt_buf != out_buf) {
        throw std::runtime_error("lane decoder: took a count before finishing the buffer");
      }
      ++cnt_buf;
      cnt_off = false;
    }
    for (unsigned k = 0; k < lanes; ++k) {
      const std::string lane = "lane decoder: lane " + std::to_string(k) + ": ";
      if (znz[k].offering && bit_get(m.znz_ready_o, k)) {
        if (lane_bufs[k][znz[k].pos] != out_buf || cnt_buf != out_buf + 1) {
          throw std::runtime_error(lane + "took a ZNZ word of another buffer");
        }
        ++znz[k].i;
        znz[k].offering = false;
      }
      if (bpc[k].offering && bit_get(m.bpc_ready_o, k)) {
        if (lane_bufs[k][bpc[k].pos] != out_buf || cnt_buf != out_buf + 1) {
          throw std::runtime_error(lane + "took a BPC word of another buffer");
        }
        ++bpc[k].i;
        bpc[k].offering = false;
      }
    }
    bool buf_end = false;
    if (m.out_valid_o && m.out_ready_i) {
      if (out_buf >= bufs.size() || cnt_buf != out_buf + 1) {
        throw std::runtime_error("lane decoder: output beat without a count");
      }
      if (out_beat == 0) {
        out[out_buf].first_output_cycle = cycle;
      }
      for (unsigned k = 0; k < lanes; ++k) {
        const bool want = k < bufs[out_buf].size() && out_beat < bufs[out_buf][k].nwords;
        if (bit_get(m.out_mask_o, k) != want) {
          throw std::runtime_error("lane decoder: out_mask_o lane " + std::to_string(k) + " on beat " +
                                   std::to_string(out_beat));
        }
        const bool want_last = want && out_beat + 1 == bufs[out_buf][k].nwords;
        if (bit_get(m.out_last_o, k) != want_last) {
          throw std::runtime_error("lane decoder: out_last_o lane " + std::to_string(k) + " on beat " +
                                   std::to_string(out_beat));
        }
        if (want) {
          words[out_buf][k].push_back(static_cast<std::uint32_t>(field_get(m.out_data_o, k * w, w)));
        }
      }
      buf_end = ++out_beat == nbeats[out_buf];
    }
    tick(m);
    skip_empty();
    if (buf_end) {
      for (unsigned k = 0; k < bufs[out_buf].size(); ++k) {
        const bool znz_left = znz[k].pos < lane_bufs[k].size() && lane_bufs[k][znz[k].pos] == out_buf;
        const bool bpc_left = bpc[k].pos < lane_bufs[k].size() && lane_bufs[k][bpc[k].pos] == out_buf;
        if (znz_left || bpc_left) {
          throw std::runtime_error("lane decoder: lane " + std::to_string(k) +
                                   " finished without taking every stream word");
        }
      }
      out[out_buf].ncycles = cycle + 1 - tx_start;
      tx_start = cycle + 1;
      for (const auto& lw : words[out_buf]) {
        out[out_buf].words.insert(out[out_buf].words.end(), lw.begin(), lw.end());
      }
      out_beat = 0;
      if (++out_buf == bufs.size()) {
        break;
      }
    }
  }
  return out;
}

}  // namespace ebpc::rtl_test
