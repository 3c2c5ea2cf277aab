// Any bytes as an .ebpc file: a result or an error, never a crash, a hang or an
// allocation sized by an unchecked header field (the output limit is 4 MiB). What decodes
// has the header's size, and its codec spec (as `ebpc info` prints it) parses back to the
// same codec, level and lanes.
#include <ebpc/codecs.hpp>
#include <ebpc/container.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ebpc::ContainerHeader h;
  auto r = ebpc::decompress_container(std::span<const std::uint8_t>(data, size), &h, std::uint64_t{4} << 20);
  if (r && r->size() != h.nwords * h.codec.elem_nbytes) {
    __builtin_trap();
  }
  if (r) {
    ebpc::CodecParams back;
    if (!ebpc::parse_codec_spec(ebpc::codec_spec(h.codec), back) || back.id != h.codec.id ||
        back.level != h.codec.level || back.lanes != h.codec.lanes) {
      __builtin_trap();
    }
  }
  return 0;
}
