#include <ebpc/rtl_sim.hpp>

#include <memory>
#include <stdexcept>

#include "Vrtl_dec_w16_b16.h"
#include "Vrtl_dec_w16_b8.h"
#include "Vrtl_dec_w8_b8.h"
#include "Vrtl_enc_w16_b16.h"
#include "Vrtl_enc_w16_b8.h"
#include "Vrtl_enc_w8_b8.h"
#include "rtl_harness.hpp"

namespace ebpc::rtl {

bool rtl_has_config(unsigned w, unsigned b) {
  return (w == 8 && b == 8) || (w == 16 && (b == 8 || b == 16));
}

namespace {

[[noreturn]] void no_config(unsigned w, unsigned b) {
  throw std::invalid_argument("our RTL is built for W/B = 8/8, 16/8, 16/16, not " + std::to_string(w) + "/" +
                              std::to_string(b));
}

template <class M, class F>
auto with_model(F&& f) {
  auto m = std::make_unique<M>();
  return f(*m);
}

}  // namespace

std::vector<EncodedTx> rtl_encode(unsigned w, unsigned b, const std::vector<std::vector<std::uint32_t>>& txs,
                                  const Traffic& t, std::uint64_t max_ncycles) {
  auto run = [&](auto& m) { return rtl_test::run_encoder(m, w, txs, t, max_ncycles); };
  if (w == 8 && b == 8) {
    return with_model<Vrtl_enc_w8_b8>(run);
  }
  if (w == 16 && b == 8) {
    return with_model<Vrtl_enc_w16_b8>(run);
  }
  if (w == 16 && b == 16) {
    return with_model<Vrtl_enc_w16_b16>(run);
  }
  no_config(w, b);
}

std::vector<DecodedTx> rtl_decode(unsigned w, unsigned b, const std::vector<DecoderInput>& txs, const Traffic& t,
                                  std::uint64_t max_ncycles) {
  auto run = [&](auto& m) { return rtl_test::run_decoder(m, w, txs, t, max_ncycles); };
  if (w == 8 && b == 8) {
    return with_model<Vrtl_dec_w8_b8>(run);
  }
  if (w == 16 && b == 8) {
    return with_model<Vrtl_dec_w16_b8>(run);
  }
  if (w == 16 && b == 16) {
    return with_model<Vrtl_dec_w16_b16>(run);
  }
  no_config(w, b);
}

DecoderInput decoder_input_of(std::uint64_t nwords, const std::vector<std::uint32_t>& znz,
                              const std::vector<std::uint32_t>& bpc) {
  DecoderInput d;
  d.nwords = nwords;
  d.znz_words = znz;
  for (std::size_t i = 0; i < bpc.size(); i += 2) {
    BpcBeat beat;
    beat.hi = bpc[i];
    beat.pair = i + 1 < bpc.size();
    beat.lo = beat.pair ? bpc[i + 1] : 0;
    beat.last = i + 2 >= bpc.size();
    d.bpc_beats.push_back(beat);
  }
  return d;
}

}  // namespace ebpc::rtl
