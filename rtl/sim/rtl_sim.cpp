#include <ebpc/rtl_sim.hpp>

#include <memory>
#include <stdexcept>

#include "Vrtl_dec_lanes1_w8_b8.h"
#include "Vrtl_dec_lanes2_w8_b8.h"
#include "Vrtl_dec_lanes4_w8_b8.h"
#include "Vrtl_dec_lanes8_w8_b8.h"
#include "Vrtl_dec_w16_b16.h"
#include "Vrtl_dec_w16_b8.h"
#include "Vrtl_dec_w8_b8.h"
#include "Vrtl_enc_lanes1_w8_b8.h"
#include "Vrtl_enc_lanes2_w8_b8.h"
#include "Vrtl_enc_lanes4_w8_b8.h"
#include "Vrtl_enc_lanes8_w8_b8.h"
#include "Vrtl_enc_w16_b16.h"
#include "Vrtl_enc_w16_b8.h"
#include "Vrtl_enc_w8_b8.h"
#include "rtl_harness.hpp"
#include "rtl_lanes_harness.hpp"

namespace ebpc::rtl {

bool rtl_has_config(unsigned w, unsigned b) {
  return (w == 8 && b == 8) || (w == 16 && (b == 8 || b == 16));
}

namespace {

Failure no_config(unsigned w, unsigned b) {
  return Failure{Error::bad_parameter, "our RTL is built for W/B = 8/8, 16/8, 16/16, not " + std::to_string(w) + "/" +
                                           std::to_string(b)};
}

// The harness's exceptions as the API's failures.
template <class F>
auto guarded(F&& f) -> Outcome<decltype(f())> {
  try {
    return f();
  } catch (const rtl_test::Timeout& e) {
    return tl::unexpected(Failure{Error::limit_exceeded, e.what()});
  } catch (const std::invalid_argument& e) {
    return tl::unexpected(Failure{Error::bad_parameter, e.what()});
  } catch (const std::exception& e) {
    return tl::unexpected(Failure{Error::corrupt, e.what()});
  }
}

template <class M, class F>
auto with_model(F&& f) {
  auto m = std::make_unique<M>();
  return f(*m);
}

}  // namespace

Outcome<std::vector<EncodedTx>> rtl_encode(unsigned w, unsigned b, const std::vector<std::vector<std::uint32_t>>& txs,
                                  const Traffic& t, std::uint64_t max_ncycles) {
  auto run = [&](auto& m) { return rtl_test::run_encoder(m, w, txs, t, max_ncycles); };
  if (w == 8 && b == 8) {
    return guarded([&] { return with_model<Vrtl_enc_w8_b8>(run); });
  }
  if (w == 16 && b == 8) {
    return guarded([&] { return with_model<Vrtl_enc_w16_b8>(run); });
  }
  if (w == 16 && b == 16) {
    return guarded([&] { return with_model<Vrtl_enc_w16_b16>(run); });
  }
  return tl::unexpected(no_config(w, b));
}

Outcome<std::vector<DecodedTx>> rtl_decode(unsigned w, unsigned b, const std::vector<DecoderInput>& txs, const Traffic& t,
                                  std::uint64_t max_ncycles) {
  auto run = [&](auto& m) { return rtl_test::run_decoder(m, w, txs, t, max_ncycles); };
  if (w == 8 && b == 8) {
    return guarded([&] { return with_model<Vrtl_dec_w8_b8>(run); });
  }
  if (w == 16 && b == 8) {
    return guarded([&] { return with_model<Vrtl_dec_w16_b8>(run); });
  }
  if (w == 16 && b == 16) {
    return guarded([&] { return with_model<Vrtl_dec_w16_b16>(run); });
  }
  return tl::unexpected(no_config(w, b));
}

bool rtl_has_lanes_config(unsigned w, unsigned b, unsigned lanes) {
  return w == 8 && b == 8 && (lanes == 1 || lanes == 2 || lanes == 4 || lanes == 8);
}

namespace {

Failure no_lanes_config(unsigned w, unsigned b, unsigned lanes) {
  return Failure{Error::bad_parameter, "our lane RTL is built for LANES = 1, 2, 4, 8 at W/B = 8/8, not LANES = " +
                                           std::to_string(lanes) + " at " + std::to_string(w) + "/" + std::to_string(b)};
}

}  // namespace

Outcome<std::vector<LanesEncodedBuf>> rtl_encode_lanes(unsigned w, unsigned b, unsigned lanes,
                                              const std::vector<std::vector<std::uint32_t>>& bufs, const Traffic& t,
                                              std::uint64_t max_ncycles) {
  auto run = [&](auto& m) { return rtl_test::run_encoder_lanes(m, w, lanes, bufs, t, max_ncycles); };
  if (rtl_has_lanes_config(w, b, lanes)) {
    switch (lanes) {
      case 1:
        return guarded([&] { return with_model<Vrtl_enc_lanes1_w8_b8>(run); });
      case 2:
        return guarded([&] { return with_model<Vrtl_enc_lanes2_w8_b8>(run); });
      case 4:
        return guarded([&] { return with_model<Vrtl_enc_lanes4_w8_b8>(run); });
      default:
        return guarded([&] { return with_model<Vrtl_enc_lanes8_w8_b8>(run); });
    }
  }
  return tl::unexpected(no_lanes_config(w, b, lanes));
}

Outcome<std::vector<DecodedTx>> rtl_decode_lanes(unsigned w, unsigned b, unsigned lanes,
                                        const std::vector<std::vector<DecoderInput>>& bufs, const Traffic& t,
                                        std::uint64_t max_ncycles) {
  auto run = [&](auto& m) { return rtl_test::run_decoder_lanes(m, w, lanes, bufs, t, max_ncycles); };
  if (rtl_has_lanes_config(w, b, lanes)) {
    switch (lanes) {
      case 1:
        return guarded([&] { return with_model<Vrtl_dec_lanes1_w8_b8>(run); });
      case 2:
        return guarded([&] { return with_model<Vrtl_dec_lanes2_w8_b8>(run); });
      case 4:
        return guarded([&] { return with_model<Vrtl_dec_lanes4_w8_b8>(run); });
      default:
        return guarded([&] { return with_model<Vrtl_dec_lanes8_w8_b8>(run); });
    }
  }
  return tl::unexpected(no_lanes_config(w, b, lanes));
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
