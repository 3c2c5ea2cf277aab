// Cycle drivers for the Verilator models of rtl/ebpc_encoder.sv and rtl/ebpc_decoder.sv.
//
// Cycle-count definitions (the same as docs/hardware.md for the published design): after
// reset, cycle 0 is the first clock period; a handshake happens in cycle c when valid and
// ready are both high in it; a count is a cycle index plus 1.
// - encoder: ncycles = 1 + the cycle of the later of the two last-word handshakes (ZNZ and
//   BPC; with no non-zero word only ZNZ counts);
// - decoder: the count N-1 is offered from cycle 0; ncycles = 1 + the cycle of the handshake
//   of the last output word.
// Inputs are offered with seeded bubbles (a driver that has a word holds valid low with
// probability in_bubble per cycle; once high, valid stays high until the handshake) and
// outputs are ready with probability out_ready per cycle.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <ebpc/rtl_sim.hpp>

namespace ebpc::rtl_test {

// The harness reports a model that does not finish within the caller's cycle limit with
// this, and a broken port protocol with std::runtime_error (rtl_sim.cpp turns both into a
// Failure).
struct Timeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using rtl::BpcBeat;
using rtl::DecodedTx;
using rtl::DecoderInput;
using rtl::EncodedTx;
using rtl::Traffic;

class Coin {
 public:
  explicit Coin(std::uint64_t seed) : rng_(seed) {}
  bool operator()(double p) {
    if (p >= 1.0) {
      return true;
    }
    if (p <= 0.0) {
      return false;
    }
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
  }

 private:
  std::mt19937_64 rng_;
};

template <class M>
void tick(M& m) {
  m.clk_i = 1;
  m.eval();
  m.clk_i = 0;
  m.eval();
}

template <class M>
void reset(M& m) {
  m.clk_i = 0;
  m.rst_ni = 0;
  m.eval();
  tick(m);
  tick(m);
  m.rst_ni = 1;
  m.eval();
}

// Runs the encoder model on transmissions back to back (no reset between them).
template <class M>
std::vector<EncodedTx> run_encoder(M& m, unsigned word_nbits, const std::vector<std::vector<std::uint32_t>>& txs,
                                   const Traffic& t, std::uint64_t max_ncycles) {
  Coin in_coin(t.seed * 3 + 1);
  Coin znz_coin(t.seed * 3 + 2);
  Coin bpc_coin(t.seed * 3 + 3);
  reset(m);
  std::vector<EncodedTx> out(txs.size());
  std::size_t in_tx = 0;
  std::size_t in_i = 0;
  std::size_t znz_tx = 0;
  std::size_t bpc_tx = 0;
  bool offering = false;
  std::vector<bool> has_nz(txs.size(), false);
  std::vector<bool> znz_done(txs.size(), false);
  std::vector<bool> bpc_done(txs.size(), false);
  for (std::size_t k = 0; k < txs.size(); ++k) {
    for (auto v : txs[k]) {
      has_nz[k] = has_nz[k] || v != 0;
    }
    bpc_done[k] = !has_nz[k];
  }
  std::size_t ndone = 0;
  std::uint64_t tx_start = 0;
  for (std::uint64_t cycle = 0;; ++cycle) {
    if (cycle >= max_ncycles) {
      throw Timeout("encoder: no end after " + std::to_string(cycle) + " cycles");
    }
    // drive
    if (in_tx < txs.size() && !offering) {
      offering = !in_coin(t.in_bubble);
    }
    m.in_valid_i = offering ? 1 : 0;
    if (offering) {
      m.in_data_i = static_cast<decltype(+m.in_data_i)>(txs[in_tx][in_i]);
      m.in_last_i = in_i + 1 == txs[in_tx].size() ? 1 : 0;
    } else {
      m.in_data_i = 0;
      m.in_last_i = 0;
    }
    m.znz_ready_i = znz_coin(t.out_ready) ? 1 : 0;
    m.bpc_ready_i = bpc_coin(t.out_ready) ? 1 : 0;
    m.eval();
    // sample handshakes
    if (offering && m.in_ready_o) {
      if (in_i == 0) {
        out[in_tx].first_cycle = cycle;
      }
      if (++in_i == txs[in_tx].size()) {
        out[in_tx].last_in_cycle = cycle;
        ++in_tx;
        in_i = 0;
      }
      offering = false;
    }
    auto finish = [&](std::size_t k) {
      if (znz_done[k] && bpc_done[k]) {
        out[k].ncycles = cycle + 1 - tx_start;
        tx_start = cycle + 1;
        ++ndone;
      }
    };
    if (m.znz_valid_o && m.znz_ready_i) {
      while (znz_tx < txs.size() && znz_done[znz_tx]) {
        ++znz_tx;
      }
      if (znz_tx >= txs.size()) {
        throw std::runtime_error("encoder: ZNZ word after the last transmission");
      }
      if (!out[znz_tx].first_znz_cycle) {
        out[znz_tx].first_znz_cycle = cycle;
      }
      out[znz_tx].znz_words.push_back(static_cast<std::uint32_t>(m.znz_data_o));
      if (m.znz_last_o) {
        znz_done[znz_tx] = true;
        finish(znz_tx);
      }
    }
    if (m.bpc_valid_o && m.bpc_ready_i) {
      while (bpc_tx < txs.size() && bpc_done[bpc_tx]) {
        ++bpc_tx;
      }
      if (bpc_tx >= txs.size()) {
        throw std::runtime_error("encoder: BPC word after the last transmission");
      }
      const auto d = static_cast<std::uint64_t>(m.bpc_data_o);
      const unsigned w = word_nbits;
      BpcBeat b{static_cast<std::uint32_t>(d >> w), static_cast<std::uint32_t>(d & ((1u << w) - 1)), m.bpc_pair_o != 0,
                m.bpc_last_o != 0};
      if (!b.pair && !b.last) {
        throw std::runtime_error("encoder: a one-word BPC handshake that is not the last");
      }
      if (!out[bpc_tx].first_bpc_cycle) {
        out[bpc_tx].first_bpc_cycle = cycle;
      }
      out[bpc_tx].bpc_beats.push_back(b);
      out[bpc_tx].bpc_words.push_back(b.hi);
      if (b.pair) {
        out[bpc_tx].bpc_words.push_back(b.lo);
      } else if (b.lo != 0) {
        throw std::runtime_error("encoder: unused BPC low word is not zero");
      }
      if (b.last) {
        bpc_done[bpc_tx] = true;
        finish(bpc_tx);
      }
    }
    tick(m);
    if (ndone == txs.size()) {
      break;
    }
  }
  return out;
}


// Runs the decoder model on transmissions back to back. Every stream word offered must be
// taken by the end of its transmission (and none of the next one's before its count).
template <class M>
std::vector<DecodedTx> run_decoder(M& m, unsigned word_nbits, const std::vector<DecoderInput>& txs, const Traffic& t,
                                   std::uint64_t max_ncycles) {
  Coin cnt_coin(t.seed * 5 + 1);
  Coin znz_coin(t.seed * 5 + 2);
  Coin bpc_coin(t.seed * 5 + 3);
  Coin out_coin(t.seed * 5 + 4);
  reset(m);
  std::vector<DecodedTx> out(txs.size());
  std::size_t cnt_tx = 0;
  std::size_t znz_tx = 0, znz_i = 0;
  std::size_t bpc_tx = 0, bpc_i = 0;
  std::size_t out_tx = 0;
  bool cnt_off = false, znz_off = false, bpc_off = false;
  std::uint64_t tx_start = 0;
  auto skip_empty = [&]() {
    while (znz_tx < txs.size() && znz_i == txs[znz_tx].znz_words.size()) {
      ++znz_tx;
      znz_i = 0;
    }
    while (bpc_tx < txs.size() && bpc_i == txs[bpc_tx].bpc_beats.size()) {
      ++bpc_tx;
      bpc_i = 0;
    }
  };
  skip_empty();
  for (std::uint64_t cycle = 0;; ++cycle) {
    if (cycle >= max_ncycles) {
      throw Timeout("decoder: no end after " + std::to_string(cycle) + " cycles");
    }
    if (cnt_tx < txs.size() && !cnt_off) {
      cnt_off = !cnt_coin(t.in_bubble);
    }
    if (znz_tx < txs.size() && !znz_off) {
      znz_off = !znz_coin(t.in_bubble);
    }
    if (bpc_tx < txs.size() && !bpc_off) {
      bpc_off = !bpc_coin(t.in_bubble);
    }
    m.cnt_valid_i = cnt_off ? 1 : 0;
    m.cnt_data_i = cnt_off ? static_cast<std::uint32_t>(txs[cnt_tx].nwords - 1) : 0;
    m.znz_valid_i = znz_off ? 1 : 0;
    m.znz_data_i = znz_off ? static_cast<decltype(+m.znz_data_i)>(txs[znz_tx].znz_words[znz_i]) : 0;
    m.znz_last_i = znz_off && znz_i + 1 == txs[znz_tx].znz_words.size() ? 1 : 0;
    m.bpc_valid_i = bpc_off ? 1 : 0;
    if (bpc_off) {
      const BpcBeat& b = txs[bpc_tx].bpc_beats[bpc_i];
      const unsigned w = word_nbits;
      m.bpc_data_i = static_cast<decltype(+m.bpc_data_i)>((std::uint64_t{b.hi} << w) | b.lo);
      m.bpc_pair_i = b.pair ? 1 : 0;
      m.bpc_last_i = b.last ? 1 : 0;
    } else {
      m.bpc_data_i = 0;
      m.bpc_pair_i = 0;
      m.bpc_last_i = 0;
    }
    m.out_ready_i = out_coin(t.out_ready) ? 1 : 0;
    m.eval();
    if (cnt_off && m.cnt_ready_o) {
      if (cnt_tx != out_tx) {
        throw std::runtime_error("decoder: took a count before finishing the transmission");
      }
      ++cnt_tx;
      cnt_off = false;
    }
    if (znz_off && m.znz_ready_o) {
      if (znz_tx != out_tx || cnt_tx != out_tx + 1) {
        throw std::runtime_error("decoder: took a ZNZ word of another transmission");
      }
      ++znz_i;
      znz_off = false;
    }
    if (bpc_off && m.bpc_ready_o) {
      if (bpc_tx != out_tx || cnt_tx != out_tx + 1) {
        throw std::runtime_error("decoder: took a BPC word of another transmission");
      }
      ++bpc_i;
      bpc_off = false;
    }
    bool tx_end = false;
    if (m.out_valid_o && m.out_ready_i) {
      if (out_tx >= txs.size() || cnt_tx != out_tx + 1) {
        throw std::runtime_error("decoder: output word without a count");
      }
      if (!out[out_tx].first_output_cycle) {
        out[out_tx].first_output_cycle = cycle;
      }
      out[out_tx].words.push_back(static_cast<std::uint32_t>(m.out_data_o));
      const bool want_last = out[out_tx].words.size() == txs[out_tx].nwords;
      if ((m.out_last_o != 0) != want_last) {
        throw std::runtime_error("decoder: out_last_o on word " + std::to_string(out[out_tx].words.size() - 1));
      }
      tx_end = want_last;
    }
    tick(m);
    skip_empty();
    if (tx_end) {
      if (znz_tx == out_tx || bpc_tx == out_tx) {
        throw std::runtime_error("decoder: finished without taking every stream word");
      }
      out[out_tx].ncycles = cycle + 1 - tx_start;
      tx_start = cycle + 1;
      if (++out_tx == txs.size()) {
        break;
      }
    }
  }
  return out;
}

}  // namespace ebpc::rtl_test
