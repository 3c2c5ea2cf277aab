// Laned EBPC buffers (docs/format.md "Lanes"): any bytes as a buffer of L lanes must give a
// result or an error, never a crash; the codec table's decoder must agree exactly with an
// independent one that splits the lanes itself (from the lane table and the geometry in
// codecs.hpp) and decodes each lane with the plain decoder (decode_generic): the same words
// on success, and success exactly when every lane decodes and ends at its padded length.
// A success re-encodes to the same words (the encoder's lanes, through the table).
// Input: W, B, Z, L, the word count (three bytes, below 256 Ki words: up to 15 lanes of
// k_min_lane_nwords), a stream0 byte count (two bytes), then the payload.
#include <algorithm>
#include <cstring>
#include <vector>

#include "codec/ebpc_decode_fast.hpp"
#include "codec/ebpc_params.hpp"
#include "common/endian.hpp"
#include "fuzz_params.hpp"

namespace {

// The lanes' streams as the format defines them, or false where the table does not fit.
bool split(const std::vector<std::uint8_t>& in, std::size_t stream0, std::size_t n, unsigned lanes,
           std::vector<std::vector<std::uint8_t>>& znz, std::vector<std::vector<std::uint8_t>>& bpc) {
  const unsigned count = ebpc::lane_count(n, lanes);
  if (count == 1) {
    if (stream0 > in.size()) {
      return false;
    }
    znz.emplace_back(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(stream0));
    bpc.emplace_back(in.begin() + static_cast<std::ptrdiff_t>(stream0), in.end());
    return true;
  }
  if (in.size() < 8u * count) {
    return false;
  }
  std::uint64_t pos = 8u * count;
  std::uint64_t znz_total = 0;
  for (unsigned k = 0; k < count; ++k) {
    const std::uint64_t z = ebpc::load_le<std::uint32_t>(in.data() + 8 * k);
    const std::uint64_t b = ebpc::load_le<std::uint32_t>(in.data() + 8 * k + 4);
    if (pos + z + b > in.size()) {
      return false;
    }
    znz.emplace_back(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + z));
    bpc.emplace_back(in.begin() + static_cast<std::ptrdiff_t>(pos + z),
                     in.begin() + static_cast<std::ptrdiff_t>(pos + z + b));
    pos += z + b;
    znz_total += z;
  }
  return pos == in.size() && znz_total == stream0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ebpc::fuzz::Reader r{data, size};
  ebpc::EbpcParams ep = ebpc::fuzz::params_from(r);
  const unsigned lanes = 1 + r.byte() % ebpc::k_max_lanes;
  const std::size_t lo = r.u16();
  const std::size_t n = (lo | std::size_t{r.byte()} << 16) % (std::size_t{1} << 18);
  const std::size_t stream0 = r.u16();
  if (!ebpc::detail::check_params(ep)) {
    return 0;
  }
  const std::vector<std::uint8_t> in(r.p, r.p + r.n);
  ebpc::CodecParams p;
  p.id = ebpc::CodecId::ebpc;
  p.word_nbits = ep.word_nbits;
  p.elem_nbytes = 4;
  p.block_nwords = ep.block_nwords;
  p.max_zero_run_nwords = ep.max_zero_run_nwords;
  p.lanes = lanes;
  const ebpc::Codec* c = ebpc::find_codec(ebpc::CodecId::ebpc);
  std::vector<std::uint8_t> out(n * 4);
  const auto got = c->decode(in, stream0, p, out);

  // The independent decoder.
  std::vector<std::vector<std::uint8_t>> znz, bpc;
  bool ok = split(in, stream0, n, lanes, znz, bpc);
  std::vector<std::uint32_t> words(n);
  const unsigned count = ebpc::lane_count(n, lanes);
  const std::size_t stride = ebpc::lane_stride_nwords(n, count);
  for (unsigned k = 0; ok && k < count; ++k) {
    const std::size_t first = stride * k;
    const std::size_t len = k + 1 < count ? stride : n - first;
    auto rg = ebpc::detail::ebpc_decode_generic(znz[k], bpc[k], ep, std::span<std::uint32_t>(words.data() + first, len));
    ok = rg.has_value() && ebpc::detail::padded_nbytes(rg->znz_nbits, ep.word_nbits) == znz[k].size() &&
         ebpc::detail::padded_nbytes(rg->bpc_nbits, ep.word_nbits) == bpc[k].size();
  }
  if (got.has_value() != ok) {
    __builtin_trap();
  }
  if (!ok) {
    return 0;
  }
  if (n != 0 && std::memcmp(out.data(), words.data(), out.size()) != 0) {
    __builtin_trap();
  }
  // Re-encoded through the table: the same words back.
  std::vector<std::uint8_t> coded(c->bound_nbytes(n, p));
  auto e = c->encode(out, p, coded);
  if (!e) {
    __builtin_trap();
  }
  coded.resize(e->nbytes);
  std::vector<std::uint8_t> again(n * 4);
  if (!c->decode(coded, e->stream0_nbytes, p, again) || again != out) {
    __builtin_trap();
  }
  return 0;
}
