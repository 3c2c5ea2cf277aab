// The full codec table, encoders included (house style: a table of plain structs,
// libdeflate's benchmark engines). Names, parameters and decoders: codec_info.cpp.
#include <array>
#include "codec/baselines.hpp"
#include "codec/ebpc_params.hpp"
#include "codec/ebpcx.hpp"
#include "common/check.hpp"
#include "common/table.hpp"

namespace ebpc {

namespace {

using namespace detail;

constexpr std::array<Codec, 8> k_codecs = {{
    {"ebpc", CodecId::ebpc, true, ebpc_table_bound_nbytes, ebpc_table_encode, ebpc_table_decode},
    {"zvc", CodecId::zvc, true, zvc_bound_nbytes, zvc_encode, zvc_decode},
    {"zrle", CodecId::zrle, true, zrle_bound_nbytes, zrle_encode, zrle_decode},
    {"bpc", CodecId::bpc, true, bpc_bound_nbytes, bpc_encode, bpc_decode},
    {"zstd", CodecId::zstd, false, zstd_bound_nbytes, zstd_encode, zstd_decode},
    {"lz4", CodecId::lz4, false, lz4_bound_nbytes, lz4_encode, lz4_decode},
    {"deflate", CodecId::deflate, false, deflate_bound_nbytes, deflate_encode, deflate_decode},
    {"ebpcx", CodecId::ebpcx, true, ebpcx_bound_nbytes, ebpcx_encode, ebpcx_decode},
}};

}  // namespace

std::span<const Codec> codec_table() noexcept { return k_codecs; }

const Codec* find_codec(CodecId id) noexcept { return find_by_id(codec_table(), id); }

const Codec* find_codec(std::string_view name) noexcept { return find_by_name(codec_table(), name); }

}  // namespace ebpc
