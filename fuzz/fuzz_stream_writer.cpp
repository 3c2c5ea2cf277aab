// Round trip through ContainerWriter and ContainerReader: arbitrary data, parameters and
// write sizes from the input; the stream must equal compress_container's bytes (for 1 and
// 2 threads) and decode back to the data.
#include <cstring>

#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 6) {
    return 0;
  }
  static constexpr ebpc::CodecId k_ids[] = {ebpc::CodecId::ebpc, ebpc::CodecId::zvc, ebpc::CodecId::zrle,
                                            ebpc::CodecId::bpc, ebpc::CodecId::zstd, ebpc::CodecId::lz4,
                                            ebpc::CodecId::deflate};
  static constexpr ebpc::DType k_types[] = {ebpc::DType::uint8, ebpc::DType::int8, ebpc::DType::int16,
                                            ebpc::DType::float16, ebpc::DType::int32, ebpc::DType::float32};
  ebpc::ContainerHeader h;
  h.codec.id = k_ids[data[0] % 7];
  h.dtype = k_types[data[1] % 6];
  const ebpc::DTypeInfo* info = ebpc::dtype_info(h.dtype);
  h.codec.elem_nbytes = info->nbytes;
  h.codec.word_nbits = info->nbytes * 8;
  h.codec.block_nwords = 2u << (data[2] % 5);
  h.codec.max_zero_run_nwords = 2u << (data[2] / 5 % 8);
  h.chunk_nwords = 1u + data[3] * 3u;
  const std::size_t piece = 1 + data[4] * 5u;
  const unsigned threads = (data[5] & 1) + 1;
  const std::size_t nwords = (size - 6) / info->nbytes;
  h.shape = {nwords};
  h.nwords = nwords;
  if (!ebpc::validate(h)) {
    return 0;
  }
  // Word codecs take aligned words: the elements in an owned (aligned) buffer.
  const std::vector<std::uint8_t> owned(data + 6, data + 6 + nwords * info->nbytes);
  const std::span<const std::uint8_t> elems(owned);
  auto whole = ebpc::compress_container(elems, h);
  if (!whole) {
    __builtin_trap();
  }
  std::vector<std::uint8_t> out;
  ebpc::StreamOptions so;
  so.threads = threads;
  auto w = ebpc::ContainerWriter::create(h, ebpc::vector_sink(out), so);
  if (!w) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i < elems.size(); i += piece) {
    if (!(*w)->write(elems.subspan(i, std::min(piece, elems.size() - i)))) {
      __builtin_trap();
    }
  }
  if (!(*w)->finish() || out != *whole) {
    __builtin_trap();
  }
  auto r = ebpc::ContainerReader::open(ebpc::memory_source(out), so);
  std::vector<std::uint8_t> back(elems.size());
  if (!r || !(*r)->read_all(back) || back != owned) {
    __builtin_trap();
  }
  return 0;
}
