// Cycle-accurate model of the published EBPC decoder (stream-ebpc, src/decoder/), stage by
// stage:
//   DecoderTop    the top-level FSM: takes the word count, then for each output word asks
//                 the run-length decoder zero or non-zero and, for non-zero, takes the BPC
//                 path's next word;
//   RunLengthDec  ZNZ run-length decoder: 2W-bit register, one word (zero or non-zero) per
//                 cycle;
//   Unpacker      2W-bit register that feeds the symbol decoder W bits and takes back the
//                 length of the symbol it used;
//   SymbolDecoder base, then exactly one bit plane per cycle (zero runs included), undoing
//                 the XOR chain as it goes;
//   PlaneBuffer   collects base + W+1 planes, then hands the block to a one-entry slice;
//   DeltaReverse  sums the deltas back, one word per cycle.
// Same structure as the encoder model (hw_encoder.cpp): registers q/d, comb() into wires,
// settle until the wires stop changing, commit.
#include <array>
#include <cassert>
#include <cstdint>

#include "codec/bpc_symbols.hpp"
#include "hw/hw_common.hpp"
#include <ebpc/hw.hpp>

namespace ebpc::hw {

namespace {

using ebpc::detail::bpc_code_at;
using ebpc::detail::bpc_field_nbits;
using ebpc::detail::BpcSymbol;
using ebpc::detail::BpcSymbolCode;
using ebpc::detail::k_bpc_head_nbits;
using ebpc::detail::ZeroRunCode;

using detail::low_mask;
using detail::Geometry;
using detail::sign_extend32;

constexpr unsigned k_znz_count_nbits = 4;  // log2(Z), Z = 16
constexpr std::size_t k_max_planes = 17;

struct DecWires {
  // outside world
  bool count_vld = false;
  std::uint32_t count_value = 0;  // N-1
  bool znz_in_vld = false;
  std::uint32_t znz_in_data = 0;
  bool znz_in_last = false;
  bool bpc_in_vld = false;
  std::uint32_t bpc_in_data = 0;
  bool bpc_in_last = false;
  bool out_rdy = false;
  // top
  bool count_rdy = false;
  bool znz_in_rdy = false;
  bool bpc_in_rdy = false;
  bool to_rld_vld = false;
  bool to_unp_vld = false;
  bool to_rld_rdy = false;
  bool to_dr_rdy = false;
  bool rld_flush = false;
  bool bpc_clear = false;
  bool out_vld = false;
  bool out_last = false;
  std::uint32_t out_data = 0;
  // run-length decoder
  bool rld_rdy = false;
  bool rld_vld = false;
  bool rld_one = false;
  // unpacker
  bool unp_rdy = false;
  bool unp_vld = false;
  std::uint32_t unp_data = 0;
  unsigned unp_fill = 0;
  // symbol decoder
  unsigned sd_len = 0;
  bool sd_rdy = false;
  std::uint32_t sd_data = 0;
  bool sd_push = false;
  bool sd_vld = false;
  // plane buffer and its slice
  bool pb_rdy = false;
  bool slice_vld = false;
  // delta reversal
  bool dr_rdy = false;
  bool dr_vld = false;
  std::uint32_t dr_data = 0;

  bool operator==(const DecWires&) const = default;
};

struct PlaneBlock {
  std::uint32_t base = 0;
  std::array<std::uint32_t, k_max_planes> planes{};  // planes[p]: bit p of d[1..B-1], d[1] at the MSB
};

// ---------------------------------------------------------------------------------------
enum class TopState : std::uint8_t { idle, running };

struct DecoderTop {
  struct Regs {
    TopState state = TopState::idle;
    std::uint32_t word_count = 0;  // words left after the current one
    bool block_znz = false;        // after a stream's `last`, its input is closed
    bool block_bpc = false;
  };
  Regs q, d;

  void comb(DecWires& w) {
    d = q;
    w.znz_in_rdy = q.block_znz ? false : w.rld_rdy;
    w.to_rld_vld = q.block_znz ? false : w.znz_in_vld;
    w.bpc_in_rdy = q.block_bpc ? false : w.unp_rdy;
    w.to_unp_vld = q.block_bpc ? false : w.bpc_in_vld;
    w.count_rdy = false;
    w.out_vld = false;
    w.out_last = false;
    w.out_data = 0;
    w.rld_flush = false;
    w.bpc_clear = false;
    w.to_rld_rdy = false;
    w.to_dr_rdy = false;
    auto finish = [&](bool clear_bpc) {
      w.rld_flush = true;
      w.bpc_clear = clear_bpc;
      d.state = TopState::idle;
      d.block_znz = false;
      d.block_bpc = false;
    };
    switch (q.state) {
      case TopState::idle:
        w.count_rdy = true;
        if (w.count_vld) {
          d.block_bpc = false;
          d.block_znz = false;
          d.word_count = w.count_value;
          d.state = TopState::running;
        }
        break;
      case TopState::running:
        if (w.bpc_in_vld && w.bpc_in_last && w.bpc_in_rdy) {
          d.block_bpc = true;
        }
        if (w.znz_in_vld && w.znz_in_last && w.znz_in_rdy) {
          d.block_znz = true;
        }
        if (w.rld_vld) {
          w.out_last = q.word_count == 0;
          if (w.rld_one) {
            w.out_vld = w.dr_vld;
            w.out_data = w.dr_data;
            const bool fire = w.dr_vld && w.out_rdy;
            w.to_rld_rdy = fire;
            w.to_dr_rdy = fire;
            if (fire) {
              if (q.word_count == 0) {
                finish(false);
              } else {
                d.word_count = q.word_count - 1;
              }
            }
          } else {
            w.out_vld = true;
            w.to_rld_rdy = w.out_rdy;
            if (w.out_rdy) {
              if (q.word_count == 0) {
                finish(true);
              } else {
                d.word_count = q.word_count - 1;
              }
            }
          }
        }
        break;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Run-length decoder (zrle_decoder).
enum class RldState : std::uint8_t { empty, filling, full, zeros };

struct RunLengthDec {
  struct Regs {
    std::uint64_t reg = 0;
    unsigned fill = 0;
    unsigned zero_count = 0;
    RldState state = RldState::empty;
  };
  Regs q, d;

  void comb(const Geometry& g, DecWires& w) {
    d = q;
    w.rld_rdy = false;
    w.rld_vld = false;
    const unsigned top = 2 * g.w - 1;
    const bool msb = ((q.reg >> top) & 1u) != 0;
    w.rld_one = msb;
    const auto field = static_cast<unsigned>((q.reg >> (top - k_znz_count_nbits)) & low_mask(k_znz_count_nbits));
    const std::uint64_t din = std::uint64_t{w.znz_in_data} << g.w;
    switch (q.state) {
      case RldState::empty:
        w.rld_rdy = true;
        if (w.to_rld_vld) {
          d.state = RldState::full;
          d.fill = g.w;
          d.reg = din;
        }
        break;
      case RldState::full:
        w.rld_vld = true;
        if (w.to_rld_rdy) {
          if (!msb) {
            d.reg = (q.reg << (1 + k_znz_count_nbits)) & g.reg_mask;
            d.fill = q.fill - 1 - k_znz_count_nbits;
            if (field > 0) {
              d.state = RldState::zeros;
              d.zero_count = field - 1;
            }
          } else {
            d.reg = (q.reg << 1) & g.reg_mask;
            d.fill = q.fill - 1;
          }
          if (d.fill < g.w) {
            w.rld_rdy = true;
            if (w.to_rld_vld) {
              d.reg |= din >> d.fill;
              d.fill += g.w;
            } else if (d.state != RldState::zeros) {
              d.state = RldState::filling;
            }
          }
          if (w.rld_flush) {
            d.reg = 0;
            d.state = RldState::empty;
            d.fill = 0;
            d.zero_count = 0;
            w.rld_rdy = false;
          }
        }
        break;
      case RldState::filling:
        w.rld_rdy = true;
        if (w.to_rld_vld) {
          d.reg = q.reg | (din >> q.fill);
          d.fill = q.fill + g.w;
          d.state = RldState::full;
        }
        if (msb || q.fill > k_znz_count_nbits) {
          w.rld_vld = true;
          if (w.to_rld_rdy) {
            if (w.rld_flush) {
              w.rld_rdy = false;
              d.reg = 0;
              d.state = RldState::empty;
              d.fill = 0;
            } else if (msb) {
              d.reg = (d.reg << 1) & g.reg_mask;
              d.fill -= 1;
              if (d.fill == 0) {
                d.state = RldState::empty;
              }
            } else {
              d.reg = (d.reg << (1 + k_znz_count_nbits)) & g.reg_mask;
              d.fill -= 1 + k_znz_count_nbits;
              if (field > 0) {
                d.state = RldState::zeros;
                d.zero_count = field - 1;
              } else if (d.fill == 0) {
                d.state = RldState::empty;
              }
            }
          }
        }
        break;
      case RldState::zeros:
        w.rld_one = false;
        w.rld_vld = true;
        if (w.to_rld_rdy) {
          if (w.rld_flush) {
            d.zero_count = 0;
            d.state = RldState::empty;
            d.reg = 0;
          } else if (q.zero_count == 0) {
            d.state = q.fill < g.w ? RldState::filling : RldState::full;
          } else {
            d.zero_count = q.zero_count - 1;
          }
        }
        break;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Unpacker: W bits at a time to the symbol decoder, which says how many it used.
enum class UnpState : std::uint8_t { idle, full, filling };

struct Unpacker {
  struct Regs {
    std::uint64_t reg = 0;
    unsigned fill = 0;
    UnpState state = UnpState::idle;
  };
  Regs q, d;

  void comb(const Geometry& g, DecWires& w) {
    d = q;
    w.unp_rdy = false;
    w.unp_vld = false;
    w.unp_data = static_cast<std::uint32_t>(q.reg >> g.w);
    w.unp_fill = q.fill;
    const std::uint64_t din = std::uint64_t{w.bpc_in_data} << g.w;
    switch (q.state) {
      case UnpState::idle:
        w.unp_rdy = true;
        if (w.to_unp_vld) {
          d.fill = g.w;
          d.reg = din;
          d.state = UnpState::full;
        }
        break;
      case UnpState::full:
        w.unp_vld = true;
        if (w.sd_rdy) {
          d.reg = (q.reg << w.sd_len) & g.reg_mask;
          d.fill = q.fill - w.sd_len;
          if (d.fill < g.w) {
            w.unp_rdy = true;
            if (w.to_unp_vld) {
              d.reg |= din >> d.fill;
              d.fill += g.w;
            } else {
              d.state = UnpState::filling;
            }
          }
        }
        break;
      case UnpState::filling:
        w.unp_rdy = true;
        if (w.to_unp_vld) {
          d.state = UnpState::full;
          d.reg = q.reg | (din >> q.fill);
          d.fill = q.fill + g.w;
        }
        if (q.fill != 0) {
          w.unp_vld = true;
          if (w.sd_rdy) {
            d.reg = (d.reg << w.sd_len) & g.reg_mask;
            d.fill -= w.sd_len;
          }
        }
        break;
    }
    if (w.bpc_clear) {
      // soft clear: an output transaction may complete, no input is taken
      w.unp_rdy = false;
      d.reg = 0;
      d.fill = 0;
      d.state = UnpState::idle;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Symbol decoder (symbol_decoder + expander).
struct Expanded {
  std::uint32_t dbx = 0;  // the plane's DBX (or DBP when is_dbp), B-1 bits
  unsigned nbits = 0;     // symbol length
  unsigned zeros = 0;     // for a '001' run code: run length - 1
  bool is_dbp = false;
};

Expanded expand(const Geometry& g, std::uint32_t data) {
  const unsigned n = g.b - 1;
  const auto mask_n = static_cast<std::uint32_t>(low_mask(n));
  auto top_bits = [&](unsigned k) { return (data >> (g.w - k)) & static_cast<std::uint32_t>(low_mask(k)); };
  auto field_after = [&](unsigned skip, unsigned k) {
    return (data >> (g.w - skip - k)) & static_cast<std::uint32_t>(low_mask(k));
  };
  const BpcSymbolCode code = bpc_code_at(ZeroRunCode::ebpc, top_bits(k_bpc_head_nbits));
  const unsigned field_nbits = bpc_field_nbits(code.field, g.b, g.log2_w, g.log2_b);
  const std::uint32_t field = field_after(code.prefix_nbits, field_nbits);
  Expanded e;
  e.nbits = code.prefix_nbits + field_nbits;
  switch (code.symbol) {
    case BpcSymbol::dbx: e.dbx = field; break;
    case BpcSymbol::zero: break;
    case BpcSymbol::zero_run: e.zeros = field + 1; break;
    case BpcSymbol::zero_dbp: e.is_dbp = true; break;
    case BpcSymbol::all_ones:
    case BpcSymbol::two_ones:
    case BpcSymbol::one_one:
      // An index out of range shifts its bits out of the plane (the hardware's shifter).
      e.dbx = code.symbol == BpcSymbol::all_ones ? mask_n
              : code.symbol == BpcSymbol::two_ones ? ((0b11u << (n - 2)) >> field) & mask_n
                                                    : ((1u << (n - 1)) >> field) & mask_n;
      break;
  }
  return e;
}

enum class SdState : std::uint8_t { idle, dbx_decode, zeros };

enum class SdCycle : std::uint8_t { idle, base, plane, starved, blocked };

struct SymbolDecoder {
  struct Regs {
    unsigned dbx_count = 0;  // planes decoded in this block
    unsigned zero_count = 0;
    std::uint32_t dbp = 0;  // the previous plane's DBP
    SdState state = SdState::idle;
  };
  Regs q, d;
  SdCycle kind = SdCycle::idle;

  void comb(const Geometry& g, DecWires& w) {
    d = q;
    const Expanded e = expand(g, w.unp_data);
    const unsigned align = g.w - (g.b - 1);
    w.sd_rdy = false;
    w.sd_vld = false;
    w.sd_push = false;
    w.sd_len = e.nbits;
    w.sd_data = (q.dbp ^ e.dbx) << align;
    kind = SdCycle::idle;
    switch (q.state) {
      case SdState::idle:
        w.sd_data = w.unp_data;
        w.sd_len = g.w;
        if (w.unp_fill >= g.w && w.pb_rdy) {
          w.sd_rdy = true;
          if (w.unp_vld) {
            w.sd_push = true;
            d.state = SdState::dbx_decode;
            kind = SdCycle::base;
          }
        } else if (w.unp_fill >= g.w) {
          kind = SdCycle::blocked;
        }
        break;
      case SdState::dbx_decode:
        kind = SdCycle::starved;
        if (w.unp_fill >= e.nbits) {
          w.sd_rdy = true;
          if (w.unp_vld) {
            kind = SdCycle::plane;
            d.dbx_count = q.dbx_count + 1;
            w.sd_push = true;
            if (e.is_dbp) {
              d.dbp = e.dbx;
              w.sd_data = e.dbx;  // zero: '00001' means DBP all zeros
            } else {
              d.dbp = e.dbx ^ q.dbp;
            }
            if (e.zeros != 0) {
              // a run: this plane and zeros-1 more, the symbol stays until the run ends
              d.zero_count = e.zeros - 1;
              d.state = SdState::zeros;
              w.sd_rdy = false;
            }
            if (q.dbx_count == g.w) {
              d.dbp = 0;
              d.state = SdState::idle;
              d.dbx_count = 0;
              w.sd_vld = true;
            }
          }
        }
        break;
      case SdState::zeros:
        kind = SdCycle::plane;
        w.sd_push = true;
        d.dbx_count = q.dbx_count + 1;
        if (q.zero_count == 0) {
          w.sd_rdy = true;
          if (q.dbx_count == g.w) {
            d.dbp = 0;
            d.state = SdState::idle;
            d.dbx_count = 0;
            w.sd_vld = true;
          } else {
            d.state = SdState::dbx_decode;
          }
        } else {
          d.zero_count = q.zero_count - 1;
        }
        break;
    }
    if (w.bpc_clear) {
      d = Regs{};
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Plane buffer (buffer): base, then W+1 planes shifted in; then to a one-entry slice.
enum class PbState : std::uint8_t { wait_base, filling, full };

struct PlaneBuffer {
  struct Regs {
    PbState state = PbState::wait_base;
    std::uint32_t base = 0;
    std::array<std::uint32_t, k_max_planes> shift{};  // planes pushed at [W], moving to [0]
    bool slice_full = false;
  };
  Regs q, d;
  PlaneBlock slice;
  bool load_slice = false;

  void comb(const Geometry& g, DecWires& w) {
    d = q;
    bool to_slice_vld = false;
    w.pb_rdy = false;
    // the slice in front of delta reversal
    const bool slice_rdy = !q.slice_full || w.dr_rdy;
    w.slice_vld = q.slice_full;
    switch (q.state) {
      case PbState::wait_base:
        w.pb_rdy = true;
        if (w.sd_push) {
          d.base = w.sd_data;
          d.state = PbState::filling;
        }
        break;
      case PbState::filling:
        w.pb_rdy = true;
        if (w.sd_push) {
          d.shift[g.w] = (w.sd_data >> (g.w - (g.b - 1))) & static_cast<std::uint32_t>(low_mask(g.b - 1));
          for (unsigned i = 0; i < g.w; ++i) {
            d.shift[i] = q.shift[i + 1];
          }
        }
        if (w.sd_vld) {
          d.state = PbState::full;
        }
        break;
      case PbState::full:
        to_slice_vld = true;
        if (slice_rdy) {
          w.pb_rdy = true;
          if (w.sd_push) {
            d.base = w.sd_data;
            d.state = PbState::filling;
          } else {
            d.state = PbState::wait_base;
          }
        }
        break;
    }
    load_slice = slice_rdy && to_slice_vld;
    d.slice_full = q.slice_full ? (!w.dr_rdy || to_slice_vld) : to_slice_vld;
    if (w.bpc_clear) {
      d.shift.fill(0);
      d.base = 0;
      d.state = PbState::wait_base;
    }
  }
  void commit() {
    if (load_slice) {
      slice.base = q.base;
      slice.planes = q.shift;
    }
    q = d;
  }
};

// ---------------------------------------------------------------------------------------
// Delta reversal (delta_reverse): base, then base + d[1], ... one word per cycle.
enum class DrState : std::uint8_t { base, stream };

struct DeltaReverse {
  struct Regs {
    DrState state = DrState::base;
    std::uint32_t acc = 0;
    unsigned idx = 0;
  };
  Regs q, d;

  static std::int32_t delta(const Geometry& g, const PlaneBlock& blk, unsigned i) {
    std::uint32_t v = 0;
    for (unsigned p = 0; p <= g.w; ++p) {
      v |= ((blk.planes[p] >> (g.b - 2 - i)) & 1u) << p;
    }
    return sign_extend32(v, g.w + 1);
  }

  void comb(const Geometry& g, DecWires& w, const PlaneBlock& blk) {
    d = q;
    w.dr_rdy = false;
    w.dr_vld = false;
    w.dr_data = q.acc;
    const auto mask = static_cast<std::uint32_t>(g.word_mask);
    switch (q.state) {
      case DrState::base:
        d.idx = 0;
        w.dr_data = blk.base;
        if (w.slice_vld) {
          d.acc = (blk.base + static_cast<std::uint32_t>(delta(g, blk, q.idx))) & mask;
          w.dr_vld = true;
          if (w.to_dr_rdy) {
            d.state = DrState::stream;
            d.idx = q.idx + 1;
          }
        }
        break;
      case DrState::stream:
        w.dr_vld = true;
        if (w.to_dr_rdy) {
          d.acc = (q.acc + static_cast<std::uint32_t>(delta(g, blk, q.idx))) & mask;
          if (q.idx == 0) {
            w.dr_rdy = true;
            d.state = DrState::base;
          } else if (q.idx < g.b - 2) {
            d.idx = q.idx + 1;
          } else {
            d.idx = 0;
          }
        }
        break;
    }
    if (w.bpc_clear) {
      d = Regs{};
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
struct Decoder {
  Geometry g;
  DecWires w;
  DecoderTop top;
  RunLengthDec rld;
  Unpacker unpacker;
  SymbolDecoder symbols;
  PlaneBuffer planes;
  DeltaReverse reverse;

  void settle() {
    [[maybe_unused]] const bool settled = detail::settle_wires(w, [&](DecWires& x) {
      reverse.comb(g, x, planes.slice);
      planes.comb(g, x);
      symbols.comb(g, x);
      unpacker.comb(g, x);
      rld.comb(g, x);
      top.comb(x);
    });
    assert(settled && "decoder wires did not settle: combinational loop in the model");
  }

  void commit() {
    top.commit();
    rld.commit();
    unpacker.commit();
    symbols.commit();
    planes.commit();
    reverse.commit();
  }
};

}  // namespace

Result<HwDecodeReport> hw_decode(std::span<const std::uint32_t> znz_words, std::span<const std::uint32_t> bpc_words,
                                 std::uint64_t nwords, const HwConfig& config) {
  if (auto v = validate(config); !v) {
    return tl::unexpected(v.error());
  }
  if (nwords == 0 || nwords > k_max_hw_nwords) {
    return tl::unexpected(Error::bad_parameter);
  }
  Decoder dec;
  dec.g = detail::make_geometry(config.word_nbits, config.block_nwords);
  const Geometry& g = dec.g;
  for (const std::uint32_t word : znz_words) {
    if ((word & ~g.word_mask) != 0) {
      return tl::unexpected(Error::bad_parameter);
    }
  }
  for (const std::uint32_t word : bpc_words) {
    if ((word & ~g.word_mask) != 0) {
      return tl::unexpected(Error::bad_parameter);
    }
  }

  HwDecodeReport report;
  report.words.reserve(static_cast<std::size_t>(nwords));
  detail::InputDriver znz_driver(znz_words.size(), config.in_bubble_probability, config.in_bubble_seed, 4);
  detail::InputDriver bpc_driver(bpc_words.size(), config.in_bubble_probability, config.in_bubble_seed, 5);
  detail::Coin out_coin(config.out_ready_seed, 6);
  const std::uint64_t max_ncycles =
      config.max_ncycles != 0
          ? config.max_ncycles
          : detail::default_max_ncycles(nwords + znz_words.size() + bpc_words.size(), g.w,
                                        config.out_ready_probability, config.in_bubble_probability);
  // With every input word taken, a decoder that makes no progress for this long never will.
  const auto patience = static_cast<std::uint64_t>(4096.0 / config.out_ready_probability);
  bool count_taken = false;
  std::uint64_t last_progress_cycle = 0;

  for (std::uint64_t cycle = 0;; ++cycle) {
    const bool inputs_done = znz_driver.done() && bpc_driver.done();
    if (cycle >= max_ncycles || (inputs_done && cycle - last_progress_cycle > patience)) {
      return tl::unexpected(inputs_done ? Error::truncated : Error::limit_exceeded);
    }
    DecWires& w = dec.w;
    w.count_vld = !count_taken;
    w.count_value = static_cast<std::uint32_t>(nwords - 1);
    w.znz_in_vld = znz_driver.begin_cycle();
    const std::uint64_t zi = znz_driver.index();
    w.znz_in_data = zi < znz_words.size() ? znz_words[static_cast<std::size_t>(zi)] : 0;
    w.znz_in_last = zi + 1 == znz_words.size();
    w.bpc_in_vld = bpc_driver.begin_cycle();
    const std::uint64_t bi = bpc_driver.index();
    w.bpc_in_data = bi < bpc_words.size() ? bpc_words[static_cast<std::size_t>(bi)] : 0;
    w.bpc_in_last = bi + 1 == bpc_words.size();
    w.out_rdy = out_coin.flip(config.out_ready_probability);
    dec.settle();

    // statistics of the settled cycle
    if (!w.out_vld) {
      if (dec.top.q.state == TopState::idle) {
        ++report.bubbles.start_ncycles;
      } else if (!w.rld_vld) {
        ++report.bubbles.znz_wait_ncycles;
      } else {
        ++report.bubbles.bpc_wait_ncycles;
      }
    } else if (!w.out_rdy) {
      ++report.out_blocked_ncycles;
    }
    report.znz_input_stall_ncycles += (w.znz_in_vld && !w.znz_in_rdy) ? 1 : 0;
    report.bpc_input_stall_ncycles += (w.bpc_in_vld && !w.bpc_in_rdy) ? 1 : 0;
    switch (dec.symbols.kind) {
      case SdCycle::idle:
        ++report.symbol.idle_ncycles;
        break;
      case SdCycle::base:
        ++report.symbol.base_ncycles;
        break;
      case SdCycle::plane:
        ++report.symbol.plane_ncycles;
        break;
      case SdCycle::starved:
        ++report.symbol.starved_ncycles;
        break;
      case SdCycle::blocked:
        ++report.symbol.blocked_ncycles;
        break;
    }

    // handshakes
    count_taken = count_taken || w.count_rdy;
    if (znz_driver.end_cycle(w.znz_in_rdy)) {
      ++report.znz_input_nwords;
      last_progress_cycle = cycle;
    }
    if (bpc_driver.end_cycle(w.bpc_in_rdy)) {
      ++report.bpc_input_nwords;
      last_progress_cycle = cycle;
    }
    const bool out_fire = w.out_vld && w.out_rdy;
    if (out_fire) {
      report.words.push_back(w.out_data);
      if (!report.first_output_cycle) {
        report.first_output_cycle = cycle;
      }
      last_progress_cycle = cycle;
    }
    dec.commit();
    if (out_fire && w.out_last) {
      report.ncycles = cycle + 1;
      break;
    }
  }
  // Stats cover the cycles up to the last output; the bubbles in the final cycle cannot occur.
  return report;
}

}  // namespace ebpc::hw
