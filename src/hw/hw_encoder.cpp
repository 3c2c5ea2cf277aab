// Cycle-accurate model of the published EBPC encoder (stream-ebpc, src/encoder/), stage by
// stage:
//   InputStage    the top-level FSM: one input register, routes non-zero words to the BPC
//                 path and every word to the ZNZ stage, pads the last block with zero words
//                 and flushes the BPC path at the end;
//   DeltaStage    delta / bit-plane stage: a B-entry shift register of (W+1)-bit deltas;
//   CoderStage    a one-block slice (FIFO register) and the sequential coder: one cycle for
//                 the base, one per bit plane, one more per zero-DBX run that ends before a
//                 non-zero plane;
//   StreamerStage packs variable-length symbols into W-bit words (2W-bit register);
//   OutputBuffer  holds one BPC word back so that it can flag the last one;
//   ZnzStage      zero/non-zero run-length coder with its own 2W-bit packer.
// Each stage has registers q and d and a comb() that computes its outputs (into EncWires)
// and d from q and the wires; the cycle settles by evaluating every comb() until no wire
// changes (the circuit has no combinational loops, so this is the RTL's settled value), and
// then every stage commits d -> q. The model follows the RTL's behaviour, not its text.
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>

#include "codec/bpc_symbols.hpp"
#include "hw/hw_common.hpp"
#include <ebpc/hw.hpp>

namespace ebpc::hw {

namespace {

using detail::low_mask;
using detail::Geometry;
using detail::sign_extend32;

constexpr unsigned k_znz_count_nbits = 4;  // log2(Z), Z = 16 in the RTL
constexpr unsigned k_znz_max_run = 16;
constexpr std::size_t k_max_planes = 17;  // W + 1 for W = 16
constexpr std::size_t k_max_block = 16;

// Every signal between stages, one value per cycle.
struct EncWires {
  // outside world
  bool in_vld = false;
  std::uint32_t in_data = 0;
  bool in_last = false;
  bool znz_out_rdy = false;
  bool bpc_out_rdy = false;
  // input stage
  bool in_rdy = false;
  std::uint32_t to_bpc_data = 0;
  bool to_bpc_vld = false;
  bool to_bpc_flush = false;
  bool to_znz_vld = false;
  bool to_znz_is_one = false;
  bool to_znz_flush = false;
  bool bpc_was_last = false;
  // delta / bit-plane stage
  bool delta_rdy = false;
  bool delta_vld = false;
  bool delta_flush = false;
  bool delta_idle = false;
  // sequential coder
  bool coder_rdy = false;
  bool coder_idle = false;
  bool coder_flush = false;
  std::uint32_t sym_data = 0;  // W bits, the symbol MSB-aligned
  unsigned sym_nbits = 0;
  bool sym_vld = false;
  // bit streamer
  bool st_rdy = false;
  bool st_vld = false;
  bool st_last = false;
  bool st_idle = false;
  std::uint32_t st_data = 0;
  // output buffer
  bool buf_rdy = false;
  bool buf_vld = false;
  bool buf_last = false;
  bool buf_full = false;
  std::uint32_t buf_data = 0;
  // ZNZ stage
  bool znz_rdy = false;
  bool znz_vld = false;
  bool znz_last = false;
  bool znz_idle = false;
  std::uint32_t znz_data = 0;

  bool operator==(const EncWires&) const = default;
};

// ---------------------------------------------------------------------------------------
// Input stage (ebpc_encoder's FSM).
enum class InputState : std::uint8_t { idle, running, wait_rdy, flush };

enum class StallCause : std::uint8_t { none, bpc, znz, flush };

struct InputStage {
  struct Regs {
    std::uint32_t data = 0;
    bool last = false;
    bool wait_for_bpc = false;  // in wait_rdy: the ZNZ side took the word, the BPC side has not
    InputState state = InputState::idle;
    unsigned block_count = 0;  // non-zero words sent into the current block
  };
  Regs q, d;
  StallCause cause = StallCause::none;  // why ready is low this cycle
  bool fix_last_bpc_hang = false;       // HwConfig::fix_last_bpc_hang

  void comb(const Geometry& g, EncWires& w) {
    d = q;
    cause = StallCause::none;
    w.in_rdy = false;
    w.to_bpc_data = q.data;
    w.to_bpc_vld = false;
    w.to_bpc_flush = false;
    w.to_znz_vld = false;
    w.to_znz_is_one = false;
    w.to_znz_flush = q.last;  // the ZNZ stage closes its stream with the last word
    w.bpc_was_last = false;
    bool take = false;
    bool count = false;
    const bool bpc_idle = w.coder_idle && w.delta_idle;

    // After a word leaves the register: accept the next one in the same cycle.
    auto pass_on = [&](bool leave_wait) {
      w.in_rdy = true;
      if (w.in_vld) {
        take = true;
        if (leave_wait) {
          d.state = InputState::running;
        }
      } else {
        d.state = InputState::idle;
      }
    };

    switch (q.state) {
      case InputState::idle:
        w.in_rdy = true;
        if (w.in_vld) {
          take = true;
          d.state = InputState::running;
        }
        break;
      case InputState::running:
        if (q.data != 0) {
          w.to_znz_is_one = true;
          w.to_bpc_vld = true;
          w.to_znz_vld = true;
          if (w.delta_rdy && w.znz_rdy) {
            count = true;
            if (q.last) {
              d.state = InputState::flush;
            } else {
              pass_on(false);
            }
          } else {
            cause = w.delta_rdy ? StallCause::znz : StallCause::bpc;
            if (w.delta_rdy || w.znz_rdy) {
              d.wait_for_bpc = w.znz_rdy;
              d.state = InputState::wait_rdy;
            }
          }
        } else {
          // zero words bypass the BPC path
          w.to_znz_vld = true;
          if (w.znz_rdy) {
            if (q.last) {
              if (bpc_idle) {
                w.bpc_was_last = true;  // the output buffer holds the last BPC word
                d.state = InputState::idle;
              } else {
                d.state = InputState::flush;
              }
            } else {
              pass_on(false);
            }
          } else {
            cause = StallCause::znz;
          }
        }
        break;
      case InputState::wait_rdy: {
        w.to_znz_is_one = true;
        bool other_rdy = false;
        if (q.wait_for_bpc) {
          w.to_bpc_vld = true;
          other_rdy = w.delta_rdy;
        } else {
          w.to_znz_vld = true;
          other_rdy = w.znz_rdy;
        }
        if (other_rdy) {
          count = true;
          if (q.last) {
            d.state = InputState::flush;
          } else {
            pass_on(true);
          }
        } else {
          cause = q.wait_for_bpc ? StallCause::bpc : StallCause::znz;
        }
        break;
      }
      case InputState::flush:
        // Pad the last block with zero words (no ZNZ symbols for them), then hold the
        // BPC path's flush until it is idle.
        cause = StallCause::flush;
        w.to_bpc_data = 0;
        if (q.block_count > 0) {
          w.to_bpc_vld = true;
          if (w.delta_rdy) {
            count = true;
          }
        } else if (!bpc_idle) {
          w.to_bpc_flush = true;
        } else {
          // The RTL goes idle here without telling the output buffer anything. When the BPC
          // path became idle without a flush reaching the streamer (the last input word was
          // zero and came in the cycle in which the streamer handed over its final, exactly
          // full word), the buffer keeps that word forever: the RTL's hang, detected in
          // hw_encode. The fix flags the held word as last (the buffer's full_o gates it; the
          // buffer ignores it in its `last` state).
          w.bpc_was_last = fix_last_bpc_hang && w.buf_full;
          d.state = InputState::idle;
        }
        break;
    }
    if (count) {
      d.block_count = q.block_count == g.b - 1 ? 0 : q.block_count + 1;
    }
    if (take) {
      d.data = w.in_data;
      d.last = w.in_last;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Delta / bit-plane stage (dbp_dbx_enc): shifts in B words as exact (W+1)-bit deltas, the
// first one against 0 (so its delta is the base), and offers the full block.
enum class DeltaState : std::uint8_t { idle, fill, wait_out };

// A block as the coder sees it: the base and the W+1 delta bit-planes, plane p holding bit p
// of d[1..B-1] with d[1] as the most significant of its B-1 bits (docs/stream-format.md
// "Block transform").
struct PlaneBlock {
  std::uint32_t base = 0;
  std::array<std::uint32_t, k_max_planes> planes{};
};

struct DeltaStage {
  struct Regs {
    std::array<std::int32_t, k_max_block> deltas{};  // deltas[0] newest; deltas[B-1] = first word
    std::int32_t last_item = 0;
    DeltaState state = DeltaState::idle;
    unsigned fill_count = 0;
  };
  Regs q, d;

  void reset(const Geometry& g) { q.fill_count = g.b - 1; }

  void comb(const Geometry& g, EncWires& w) {
    d = q;
    bool shift = false;
    w.delta_rdy = false;
    w.delta_vld = false;
    w.delta_flush = false;
    w.delta_idle = false;
    const std::int32_t in = sign_extend32(w.to_bpc_data, g.w);
    const unsigned dec = (q.fill_count + g.b - 1) % g.b;
    switch (q.state) {
      case DeltaState::idle:
        d.fill_count = g.b - 1;
        w.delta_rdy = true;
        d.last_item = 0;
        w.delta_idle = true;
        w.delta_flush = w.to_bpc_flush;
        if (w.to_bpc_vld) {
          w.delta_idle = false;
          w.delta_flush = false;
          d.last_item = in;
          shift = true;
          d.state = DeltaState::fill;
          d.fill_count = dec;
        }
        break;
      case DeltaState::fill:
        w.delta_rdy = true;
        if (w.to_bpc_vld) {
          shift = true;
          d.last_item = in;
          d.fill_count = dec;
          if (q.fill_count == 0) {
            d.last_item = 0;  // the next block's first delta is against 0
            d.state = DeltaState::wait_out;
          }
        }
        break;
      case DeltaState::wait_out:
        w.delta_vld = true;
        if (w.coder_rdy) {
          w.delta_rdy = true;
          if (w.to_bpc_vld) {
            shift = true;
            d.last_item = in;
            d.fill_count = dec;
            d.state = DeltaState::fill;
          } else {
            d.state = DeltaState::idle;
          }
        }
        break;
    }
    if (shift) {
      d.deltas[0] = in - q.last_item;
      for (unsigned i = 1; i < g.b; ++i) {
        d.deltas[i] = q.deltas[i - 1];
      }
    }
  }

  PlaneBlock block(const Geometry& g) const {
    PlaneBlock blk;
    blk.base = static_cast<std::uint32_t>(q.deltas[g.b - 1]) & static_cast<std::uint32_t>(g.word_mask);
    // deltas[j] = d[B-1-j] sits at bit j of each plane (d[1] = deltas[B-2] at the MSB)
    for (unsigned p = 0; p <= g.w; ++p) {
      std::uint32_t plane = 0;
      for (unsigned j = 0; j + 1 < g.b; ++j) {
        plane |= ((static_cast<std::uint32_t>(q.deltas[j]) >> p) & 1u) << j;
      }
      blk.planes[p] = plane;
    }
    return blk;
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Sequential coder (seq_coder + dbx_compressor + its input slice).
struct Symbol {
  bool zero = false;  // DBX all zeros: part of a run, coded by the coder's run logic
  std::uint32_t bits = 0;
  unsigned nbits = 0;
};

// The symbol of plane p (docs/stream-format.md "BPC symbols"), without the zero-run codes.
Symbol plane_symbol(const Geometry& g, const PlaneBlock& blk, unsigned p) {
  const std::uint32_t dbp = blk.planes[p];
  const std::uint32_t dbx = p == 0 ? dbp : dbp ^ blk.planes[p - 1];
  if (dbx == 0) {
    return {true, 0, 0};
  }
  const ebpc::detail::BpcCodeword c = ebpc::detail::bpc_plane_codeword(dbx, dbp, g.b, g.log2_b);
  return {false, c.bits, c.nbits};
}

enum class CoderState : std::uint8_t { idle, fill };

enum class CoderCycle : std::uint8_t { idle, base, plane, run_end, blocked };

struct CoderStage {
  struct Regs {
    bool slice_full = false;
    CoderState state = CoderState::idle;
    unsigned dbx_count = 0;  // W - p: counts down from W (plane 0) to 0 (sign plane)
    unsigned zero_count = 0;  // zero-DBX planes in the current run
    bool last_was_zero = false;
  };
  Regs q, d;
  PlaneBlock slice;  // the slice's data register (loaded at commit)
  bool load_slice = false;
  CoderCycle kind = CoderCycle::idle;

  void reset(const Geometry& g) { q.dbx_count = g.w; }

  void comb(const Geometry& g, EncWires& w) {
    d = q;
    bool take_block = false;
    w.coder_flush = false;
    w.coder_idle = false;
    w.sym_vld = false;
    w.sym_data = 0;
    w.sym_nbits = 0;
    kind = CoderCycle::idle;
    auto emit = [&](std::uint32_t bits, unsigned nbits) {
      w.sym_nbits = nbits;
      w.sym_data = bits << (g.w - nbits);
    };

    switch (q.state) {
      case CoderState::idle:
        d.zero_count = 0;
        d.dbx_count = g.w;
        w.coder_idle = w.st_idle;
        w.coder_flush = w.delta_flush;
        if (q.slice_full) {
          w.coder_idle = false;
          w.coder_flush = false;
          emit(slice.base, g.w);
          w.sym_vld = true;
          kind = w.st_rdy ? CoderCycle::base : CoderCycle::blocked;
          if (w.st_rdy) {
            d.state = CoderState::fill;
          }
        }
        break;
      case CoderState::fill: {
        const Symbol sym = plane_symbol(g, slice, g.w - q.dbx_count);
        unsigned zeros = q.zero_count;
        bool write_zero = false;
        bool stall = false;
        w.sym_vld = true;
        if (sym.zero) {
          if (q.dbx_count != 0) {
            // extend the run, write nothing
            d.zero_count = q.zero_count + 1;
            d.dbx_count = q.dbx_count - 1;
            d.last_was_zero = true;
            w.sym_vld = false;
          } else {
            zeros += 1;  // the run ends with the sign plane
            write_zero = true;
          }
        } else if (q.last_was_zero) {
          write_zero = true;  // first write the run that just ended; this plane waits a cycle
          stall = true;
        } else {
          emit(sym.bits, sym.nbits);
        }
        if (write_zero) {
          const ebpc::detail::BpcCodeword c = ebpc::detail::bpc_zero_run_codeword(ebpc::detail::ZeroRunCode::ebpc, zeros, g.log2_w);
          emit(c.bits, c.nbits);
        }
        if (!w.sym_vld) {
          kind = CoderCycle::plane;
        } else if (!w.st_rdy) {
          kind = CoderCycle::blocked;
        } else {
          kind = stall ? CoderCycle::run_end : CoderCycle::plane;
        }
        if (w.st_rdy) {
          if (write_zero) {
            d.last_was_zero = false;
            d.zero_count = 0;
          }
          if (!stall) {
            if (q.dbx_count != 0) {
              d.dbx_count = q.dbx_count - 1;
            } else {
              take_block = true;
              d.state = CoderState::idle;
              d.dbx_count = g.w;
            }
          }
        }
        break;
      }
    }
    // the slice: a one-entry register in front of the coder
    w.coder_rdy = !q.slice_full || take_block;
    load_slice = w.coder_rdy && w.delta_vld;
    d.slice_full = q.slice_full ? (!take_block || w.delta_vld) : w.delta_vld;
  }
  void commit(const PlaneBlock& incoming) {
    if (load_slice) {
      slice = incoming;
    }
    q = d;
  }
};

// ---------------------------------------------------------------------------------------
// Bit streamer (shift_streamer): ORs each symbol into a 2W-bit register at the fill count;
// full when the upper W bits are complete. Flush: emit the partial word, flagged last.
enum class StreamerState : std::uint8_t { empty, filling, flush, full };

struct StreamerStage {
  struct Regs {
    std::uint64_t reg = 0;
    unsigned count = 0;  // valid bits below the upper word (full) or in it (filling)
    StreamerState state = StreamerState::empty;
  };
  Regs q, d;

  void comb(const Geometry& g, EncWires& w) {
    d = q;
    w.st_rdy = false;
    w.st_vld = false;
    w.st_last = false;
    w.st_idle = false;
    w.st_data = static_cast<std::uint32_t>(q.reg >> g.w);
    const std::uint64_t din = std::uint64_t{w.sym_data} << g.w;
    const unsigned shift = w.sym_nbits;
    switch (q.state) {
      case StreamerState::empty:
        d.count = 0;
        w.st_rdy = true;
        w.st_idle = true;
        if (w.sym_vld) {
          w.st_idle = false;
          d.reg = q.reg | (din >> q.count);
          if (shift == g.w) {
            d.state = StreamerState::full;
          } else {
            d.state = StreamerState::filling;
            d.count = q.count + shift;
          }
        }
        break;
      case StreamerState::filling:
        w.st_rdy = true;
        if (w.sym_vld) {
          d.reg = q.reg | (din >> q.count);
          d.count = q.count + shift;
          if (d.count >= g.w) {
            d.count -= g.w;
            d.state = StreamerState::full;
          }
        }
        if (w.coder_flush) {
          d.state = StreamerState::flush;
        }
        break;
      case StreamerState::full:
        w.st_vld = true;
        w.st_last = w.coder_flush && q.count == 0;
        if (w.buf_rdy) {
          w.st_rdy = true;
          const std::uint64_t shifted = (q.reg << g.w) & g.reg_mask;
          if (w.sym_vld) {
            d.count = q.count + shift;
            d.reg = shifted | (din >> q.count);
            if (d.count >= g.w) {
              d.count -= g.w;
            } else {
              d.state = StreamerState::filling;
            }
          } else {
            d.reg = shifted;
            if (q.count == 0) {
              d.state = StreamerState::empty;
            } else if (w.coder_flush) {
              d.state = StreamerState::flush;
            } else {
              d.state = StreamerState::filling;
            }
          }
        }
        break;
      case StreamerState::flush:
        w.st_vld = true;
        w.st_last = true;
        if (w.buf_rdy) {
          d.reg = (q.reg << g.w) & g.reg_mask;
          if (q.count > g.w) {
            d.count = q.count - g.w;
          } else {
            d.count = 0;
            d.state = StreamerState::empty;
          }
        }
        break;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// Output buffer (bpc_buffer): holds one word back; releases it when the next word comes,
// or flagged last when the streamer's word is the last or the input stage says so.
enum class BufferState : std::uint8_t { empty, full, last };

struct OutputBuffer {
  struct Regs {
    std::uint32_t data = 0;
    BufferState state = BufferState::empty;
  };
  Regs q, d;

  void comb(EncWires& w) {
    d = q;
    w.buf_rdy = false;
    w.buf_vld = false;
    w.buf_last = false;
    w.buf_full = false;
    w.buf_data = q.data;
    switch (q.state) {
      case BufferState::empty:
        w.buf_rdy = true;
        if (w.st_vld) {
          d.data = w.st_data;
          d.state = w.st_last ? BufferState::last : BufferState::full;
        }
        break;
      case BufferState::full:
        w.buf_rdy = w.bpc_out_rdy;
        w.buf_full = true;
        if (w.st_vld) {
          w.buf_vld = true;
          w.buf_last = w.bpc_was_last;
          if (w.bpc_out_rdy) {
            d.data = w.st_data;
            if (w.st_last) {
              d.state = BufferState::last;
            }
          }
        } else if (w.bpc_was_last) {
          w.buf_last = true;
          w.buf_vld = true;
          d.state = w.bpc_out_rdy ? BufferState::empty : BufferState::last;
        }
        break;
      case BufferState::last:
        w.buf_vld = true;
        w.buf_last = true;
        w.buf_full = true;
        if (w.bpc_out_rdy) {
          w.buf_rdy = true;
          if (w.st_vld) {
            d.data = w.st_data;
            if (!w.st_last) {
              d.state = BufferState::full;
            }
          } else {
            d.state = BufferState::empty;
          }
        }
        break;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
// ZNZ run-length stage (zrle): '1' per non-zero word; a zero run is counted and written
// as '0' + (run-1) in 4 bits when it ends (together with the following '1', 6 bits in one
// cycle) or reaches 16; flush writes a pending run and the partial word.
enum class ZnzState : std::uint8_t { empty, filling, full, flush, flush_zeros };

struct ZnzStage {
  struct Regs {
    unsigned zero_count = 0;
    std::uint64_t reg = 0;
    unsigned count = 0;
    ZnzState state = ZnzState::empty;
  };
  Regs q, d;

  void comb(const Geometry& g, EncWires& w) {
    d = q;
    w.znz_rdy = false;
    w.znz_vld = false;
    w.znz_idle = false;
    w.znz_last = false;
    w.znz_data = static_cast<std::uint32_t>(q.reg >> g.w);
    const unsigned reg_nbits = 2 * g.w;
    auto at = [&](std::uint64_t bits, unsigned nbits, unsigned pos) {
      return (bits << (reg_nbits - nbits)) >> pos;
    };
    const std::uint64_t full_run = k_znz_max_run - 1;  // '0' + 1111
    const bool vld = w.to_znz_vld;
    const bool one = w.to_znz_is_one;
    const bool flush = w.to_znz_flush;

    switch (q.state) {
      case ZnzState::empty:
        w.znz_rdy = true;
        w.znz_idle = true;
        if (vld) {
          w.znz_idle = false;
          d.state = ZnzState::filling;
          if (one) {
            d.count = q.count + 1;
            d.reg = q.reg | at(1, 1, q.count);
          } else {
            d.zero_count = q.zero_count + 1;
          }
          if (flush) {
            d.state = one ? ZnzState::flush : ZnzState::flush_zeros;
          }
        }
        break;
      case ZnzState::filling:
        w.znz_rdy = true;
        if (vld) {
          if (one) {
            d.zero_count = 0;
            if (q.zero_count != 0) {
              d.reg = q.reg | at((std::uint64_t{q.zero_count - 1} << 1) | 1u, k_znz_count_nbits + 2, q.count);
              d.count = q.count + k_znz_count_nbits + 2;
            } else {
              d.count = q.count + 1;
              d.reg = q.reg | at(1, 1, q.count);
            }
          } else if (q.zero_count == k_znz_max_run - 1) {
            d.reg = q.reg | at(full_run, k_znz_count_nbits + 1, q.count);
            d.count = q.count + k_znz_count_nbits + 1;
            d.zero_count = 0;
          } else {
            d.zero_count = q.zero_count + 1;
          }
          if (flush) {
            d.state = d.zero_count != 0 ? ZnzState::flush_zeros : ZnzState::flush;
          } else if (d.count >= g.w) {
            d.state = ZnzState::full;
            d.count -= g.w;
          }
        }
        break;
      case ZnzState::flush_zeros:
        d.zero_count = 0;
        d.reg = q.reg | at(q.zero_count - 1, k_znz_count_nbits + 1, q.count);
        d.count = q.count + k_znz_count_nbits + 1;
        d.state = ZnzState::flush;
        break;
      case ZnzState::full:
        w.znz_vld = true;
        if (w.znz_out_rdy) {
          w.znz_rdy = true;
          d.reg = (q.reg << g.w) & g.reg_mask;
          d.state = ZnzState::filling;
          if (vld) {
            if (one) {
              d.count = q.count + 1;
              d.reg |= at(1, 1, q.count);
            } else if (q.zero_count == k_znz_max_run - 1) {
              d.count = q.count + k_znz_count_nbits + 1;
              d.reg |= at(full_run, k_znz_count_nbits + 1, q.count);
            } else {
              d.zero_count = q.zero_count + 1;
            }
            if (flush) {
              d.state = d.zero_count != 0 ? ZnzState::flush_zeros : ZnzState::flush;
            } else if (d.count >= g.w) {
              d.state = ZnzState::full;
              d.count -= g.w;
            }
          } else if (q.count == 0) {
            d.state = ZnzState::empty;
          }
        }
        break;
      case ZnzState::flush:
        w.znz_vld = true;
        w.znz_last = q.count <= g.w;
        if (w.znz_out_rdy) {
          d.reg = (q.reg << g.w) & g.reg_mask;
          if (q.count > g.w) {
            d.count = q.count - g.w;
          } else {
            d.count = 0;
            d.state = ZnzState::empty;
          }
        }
        break;
    }
  }
  void commit() { q = d; }
};

// ---------------------------------------------------------------------------------------
struct Encoder {
  Geometry g;
  EncWires w;
  InputStage input;
  DeltaStage delta;
  CoderStage coder;
  StreamerStage streamer;
  OutputBuffer buffer;
  ZnzStage znz;

  explicit Encoder(const Geometry& geometry) : g(geometry) {
    delta.reset(g);
    coder.reset(g);
  }

  // Evaluates every stage until the wires settle. Ready flows backwards, so the stages are
  // evaluated from the outputs to the input; the flush path goes forwards and takes a pass.
  void settle() {
    [[maybe_unused]] const bool settled = detail::settle_wires(w, [&](EncWires& x) {
      buffer.comb(x);
      streamer.comb(g, x);
      coder.comb(g, x);
      delta.comb(g, x);
      znz.comb(g, x);
      input.comb(g, x);
    });
    assert(settled && "encoder wires did not settle: combinational loop in the model");
  }

  // The RTL's hang (after commit): every input word is in, the input stage and the whole
  // BPC path are idle, and the output buffer holds a word that it only releases when another
  // word or a "was last" comes, neither of which can happen any more.
  bool hung(bool input_done) const {
    return input_done && input.q.state == InputState::idle && delta.q.state == DeltaState::idle &&
           !coder.q.slice_full && coder.q.state == CoderState::idle && streamer.q.state == StreamerState::empty &&
           buffer.q.state == BufferState::full;
  }

  void commit() {
    coder.commit(delta.block(g));  // the slice loads the delta stage's registers as they are
    input.commit();
    delta.commit();
    streamer.commit();
    buffer.commit();
    znz.commit();
  }
};


}  // namespace

Result<HwEncodeReport> hw_encode(std::span<const std::uint32_t> words, const HwConfig& config) {
  if (auto v = validate(config); !v) {
    return tl::unexpected(v.error());
  }
  const std::uint64_t n = words.size();
  if (n == 0 || n > k_max_hw_nwords) {
    return tl::unexpected(Error::bad_parameter);
  }
  const Geometry g = detail::make_geometry(config.word_nbits, config.block_nwords);
  HwEncodeReport report;
  report.input_nwords = n;
  for (const std::uint32_t word : words) {
    if ((word & ~g.word_mask) != 0) {
      return tl::unexpected(Error::bad_parameter);
    }
    report.nonzero_nwords += word != 0 ? 1 : 0;
  }
  report.znz_words.reserve(static_cast<std::size_t>(n / g.w + 8));
  report.bpc_words.reserve(static_cast<std::size_t>(report.nonzero_nwords + 8));

  Encoder enc(g);
  enc.input.fix_last_bpc_hang = config.fix_last_bpc_hang;
  detail::InputDriver driver(n, config.in_bubble_probability, config.in_bubble_seed, 1);
  detail::Coin znz_coin(config.out_ready_seed, 2);
  detail::Coin bpc_coin(config.out_ready_seed, 3);
  const std::uint64_t max_ncycles = config.max_ncycles != 0 ? config.max_ncycles : detail::default_max_ncycles(n, g.w, config.out_ready_probability, config.in_bubble_probability);
  bool znz_done = false;
  bool bpc_done = report.nonzero_nwords == 0;

  for (std::uint64_t cycle = 0;; ++cycle) {
    if (cycle >= max_ncycles) {
      return tl::unexpected(Error::limit_exceeded);
    }
    EncWires& w = enc.w;
    w.in_vld = driver.begin_cycle();
    const std::uint64_t index = driver.index();
    w.in_data = index < n ? words[static_cast<std::size_t>(index)] : 0;
    w.in_last = index == n - 1;
    w.znz_out_rdy = znz_coin.flip(config.out_ready_probability);
    w.bpc_out_rdy = bpc_coin.flip(config.out_ready_probability);
    enc.settle();

    // statistics of the settled cycle
    if (w.in_vld && !w.in_rdy) {
      switch (enc.input.cause) {
        case StallCause::bpc:
          ++report.stalls.bpc_path_ncycles;
          break;
        case StallCause::znz:
          ++report.stalls.znz_path_ncycles;
          break;
        case StallCause::flush:
        case StallCause::none:
          ++report.stalls.flush_ncycles;
          break;
      }
    }
    if (!w.in_vld && !driver.done()) {
      ++report.input_bubble_ncycles;
    }
    switch (enc.coder.kind) {
      case CoderCycle::idle:
        ++report.coder.idle_ncycles;
        break;
      case CoderCycle::base:
        ++report.coder.base_ncycles;
        break;
      case CoderCycle::plane:
        ++report.coder.plane_ncycles;
        break;
      case CoderCycle::run_end:
        ++report.coder.run_end_ncycles;
        break;
      case CoderCycle::blocked:
        ++report.coder.blocked_ncycles;
        break;
    }
    report.znz_blocked_ncycles += (w.znz_vld && !w.znz_out_rdy) ? 1 : 0;
    report.bpc_blocked_ncycles += (w.buf_vld && !w.bpc_out_rdy) ? 1 : 0;

    // handshakes
    if (driver.end_cycle(w.in_rdy)) {
      report.last_input_cycle = cycle;
    }
    if (w.znz_vld && w.znz_out_rdy) {
      report.znz_words.push_back(w.znz_data);
      if (!report.first_znz_cycle) {
        report.first_znz_cycle = cycle;
      }
      report.last_znz_cycle = cycle;
      znz_done = znz_done || w.znz_last;
    }
    if (w.buf_vld && w.bpc_out_rdy) {
      report.bpc_words.push_back(w.buf_data);
      if (!report.first_bpc_cycle) {
        report.first_bpc_cycle = cycle;
      }
      report.last_bpc_cycle = cycle;
      bpc_done = bpc_done || w.buf_last;
    }
    enc.commit();
    if (driver.done() && znz_done && bpc_done) {
      report.ncycles = cycle + 1;
      break;
    }
    if (!bpc_done && enc.hung(driver.done())) {
      return tl::unexpected(Error::hardware_hang);
    }
  }
  return report;
}

}  // namespace ebpc::hw
