// Codec names, parameters and the decoder table: the part of the codec table a decoder
// needs (the decoder-only library). registry.cpp adds the encoders.
#include <array>
#include <charconv>
#include <string>

#include "codec/baselines.hpp"
#include "codec/ebpc_params.hpp"
#include "codec/ebpcx.hpp"
#include "common/check.hpp"
#include "common/table.hpp"

namespace ebpc {

namespace detail {

namespace {

constexpr std::array<CodecDecodeEntry, 8> k_decoders = {{
    {"ebpc", CodecId::ebpc, true, ebpc_table_bound_nbytes, ebpc_table_decode},
    {"zvc", CodecId::zvc, true, zvc_bound_nbytes, zvc_decode},
    {"zrle", CodecId::zrle, true, zrle_bound_nbytes, zrle_decode},
    {"bpc", CodecId::bpc, true, bpc_bound_nbytes, bpc_decode},
    {"zstd", CodecId::zstd, false, zstd_bound_nbytes, zstd_decode},
    {"lz4", CodecId::lz4, false, lz4_bound_nbytes, lz4_decode},
    {"deflate", CodecId::deflate, false, deflate_payload_limit_nbytes, deflate_decode},
    {"ebpcx", CodecId::ebpcx, true, ebpcx_bound_nbytes, ebpcx_decode},
}};

}  // namespace

std::span<const CodecDecodeEntry> decode_table() noexcept {
  return k_decoders;
}

const CodecDecodeEntry* find_decoder(CodecId id) noexcept { return find_by_id(decode_table(), id); }

const CodecDecodeEntry* find_decoder(std::string_view name) noexcept { return find_by_name(decode_table(), name); }

}  // namespace detail

using namespace detail;

Result<void> parse_codec_spec(std::string_view spec, CodecParams& params, bool* lanes_given) {
  std::string_view name = spec;
  int level = 0;
  int lanes = 0;  // 0: not given
  if (const auto dash = spec.find('-'); dash != std::string_view::npos) {
    name = spec.substr(0, dash);
    auto digits = spec.substr(dash + 1);
    int* target = &level;
    if (!digits.empty() && digits[0] == 'L') {  // "ebpc-L8": lanes
      digits.remove_prefix(1);
      target = &lanes;
    }
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *target);
    EBPC_CHECK(ec == std::errc{} && ptr == digits.data() + digits.size() && !digits.empty(), bad_parameter);
    EBPC_CHECK(target != &lanes || (lanes >= 1 && lanes <= static_cast<int>(k_max_lanes)), bad_parameter);
  }
  const CodecDecodeEntry* c = find_decoder(name);
  EBPC_CHECK(c != nullptr, bad_parameter);
  EBPC_CHECK(level == 0 || c->id == CodecId::zstd || c->id == CodecId::deflate, bad_parameter);
  EBPC_CHECK(lanes == 0 || c->id == CodecId::ebpc, bad_parameter);
  params.id = c->id;
  params.level = level;
  params.lanes = lanes != 0 ? static_cast<unsigned>(lanes) : 1;
  if (lanes_given != nullptr) {
    *lanes_given = lanes != 0;
  }
  return validate(params);
}

std::string codec_spec(const CodecParams& params) {
  const CodecDecodeEntry* c = find_decoder(params.id);
  std::string s = c != nullptr ? std::string(c->name) : std::string("unknown");
  if (params.level != 0) {
    s += "-" + std::to_string(params.level);
  }
  if (params.lanes > 1) {
    s += "-L" + std::to_string(params.lanes);
  }
  return s;
}

void set_array_geometry(CodecParams& params, std::span<const std::uint64_t> shape, bool fortran_order) noexcept {
  const std::size_t r = shape.size();
  auto dim = [&](std::size_t k) { return fortran_order ? shape[k] : shape[r - 1 - k]; };  // k = 0: innermost
  params.row_nwords = r >= 2 ? dim(0) : 0;
  params.plane_nwords = r >= 3 && (dim(0) == 0 || dim(1) <= UINT64_MAX / dim(0)) ? dim(0) * dim(1) : 0;
}

Result<void> validate(const CodecParams& p) noexcept {
  const CodecDecodeEntry* c = find_decoder(p.id);
  EBPC_CHECK(c != nullptr, bad_parameter);
  EBPC_CHECK(p.elem_nbytes == 1 || p.elem_nbytes == 2 || p.elem_nbytes == 4, bad_parameter);
  EBPC_CHECK(p.word_nbits >= k_min_word_nbits && p.word_nbits <= k_max_word_nbits, bad_parameter);
  EBPC_CHECK(p.word_nbits <= p.elem_nbytes * 8, bad_parameter);
  EBPC_CHECK(p.lanes >= 1 && p.lanes <= k_max_lanes, bad_parameter);
  EBPC_CHECK(p.id == CodecId::ebpc || p.lanes == 1, bad_parameter);
  switch (p.id) {
    case CodecId::ebpc:
      EBPC_TRY(check_params(EbpcParams{p.word_nbits, p.block_nwords, p.max_zero_run_nwords}));
      break;
    case CodecId::bpc:
      EBPC_CHECK(is_pow2(p.block_nwords) && p.block_nwords >= 2 && p.block_nwords <= 32, bad_parameter);
      break;
    case CodecId::zstd:
      EBPC_CHECK(p.level >= 0 && p.level <= k_zstd_max_level, bad_parameter);
      break;
    case CodecId::deflate:
      EBPC_CHECK(p.level >= 0 && p.level <= 12, bad_parameter);
      break;
    case CodecId::ebpcx:
      EBPC_TRY(ebpcx_check_params(p));
      break;
    default:
      EBPC_CHECK(p.level == 0, bad_parameter);
      break;
  }
  return {};
}

}  // namespace ebpc
