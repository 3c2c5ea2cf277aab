// ebpc hw encode / decode: the raw hardware streams, each W-bit word stored as
// ceil(W/8) big-endian bytes (docs/stream-format.md "Bit order and padding").
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include <ebpc/ebpc.hpp>

#include "commands.hpp"
#include <ebpc/file.hpp>

namespace ebpc::cli {

namespace {

struct HwOptions {
  unsigned width = 8;
  unsigned block_nwords = 8;
  unsigned max_zero_run_nwords = 16;
  std::string input;
  std::string znz_path;
  std::string bpc_path;
  std::string output;
  std::uint64_t count = 0;
  std::string dtype = "int8";
  bool force = false;
};

std::vector<std::uint8_t> from_hw_words(const std::vector<std::uint8_t>& bytes, unsigned w, const std::string& path) {
  std::uint64_t bad = 0;
  auto r = hw_words_to_stream(bytes, w, &bad);
  if (!r) {
    if (r.error() == Error::corrupt) {
      fail(fmt::format("{}: word {} has bits set above bit {}", path, bad, w - 1));
    }
    fail(fmt::format("{}: {} bytes is not a whole number of {}-byte words", path, bytes.size(), (w + 7) / 8));
  }
  return std::move(*r);
}

void write_file(const std::string& path, std::span<const std::uint8_t> bytes, bool force) {
  if (path != "-" && !force && file_exists(path)) {
    fail(path + ": already exists (use -f to overwrite)");
  }
  AtomicFile f;
  if (!f.open(path, force) || !f.write(bytes) || !f.commit()) {
    fail(path + ": cannot write file");
  }
}

std::vector<std::uint8_t> read_file(const std::string& path, std::uint64_t max_nbytes) {
  auto in = InputFile::open(path);
  if (!in) {
    fail(in.error().message);
  }
  std::vector<std::uint8_t> out;
  std::uint8_t buf[65536];
  while (true) {
    auto got = (*in)->read(buf);
    if (!got) {
      fail(path + ": read error");
    }
    const std::size_t n = *got;
    out.insert(out.end(), buf, buf + n);
    if (out.size() > max_nbytes) {
      fail(path + ": larger than the streams for --count words can be");
    }
    if (n < sizeof buf) {
      break;
    }
  }
  return out;
}

// The words of one hardware transmission at most (its N-1 travels in 24 bits).
constexpr std::uint64_t k_hw_max_nwords = std::uint64_t{1} << 24;

EbpcParams params_of(const HwOptions& o) {
  const EbpcParams p{o.width, o.block_nwords, o.max_zero_run_nwords};
  if (!validate(p)) {
    fail(fmt::format("invalid parameters: --width {} (2..32), --block {} (2, 4, 8, 16, 32), --max-zero-run {} "
                     "(power of two 2..256)",
                     o.width, o.block_nwords, o.max_zero_run_nwords));
  }
  return p;
}

void run_hw_encode(const HwOptions& o) {
  const EbpcParams p = params_of(o);
  const NpyArray a = load_npy(o.input);
  const auto words = words_of(a, o.width, o.input);
  if (words.empty() || words.size() > k_hw_max_nwords) {
    fail(fmt::format("{}: {} words; the hardware carries 1..2^24 words per transmission", o.input, words.size()));
  }
  auto s = encode_streams_to_vectors(words, p);
  if (!s) {
    fail(o.input + ": cannot encode", s.error());
  }
  write_file(o.znz_path, stream_to_hw_words(s->znz, s->sizes.znz_padded_nbits, o.width), o.force);
  write_file(o.bpc_path, stream_to_hw_words(s->bpc, s->sizes.bpc_padded_nbits, o.width), o.force);
  fmt::print(stderr, "{} words: znz {} bits ({} words), bpc {} bits ({} words), ratio {:.3f}\n", words.size(),
             s->sizes.znz_nbits, s->sizes.znz_padded_nbits / o.width, s->sizes.bpc_nbits,
             s->sizes.bpc_padded_nbits / o.width,
             static_cast<double>(words.size() * o.width) /
                 static_cast<double>(std::max<std::uint64_t>(1, s->sizes.znz_padded_nbits + s->sizes.bpc_padded_nbits)));
}

void run_hw_decode(const HwOptions& o) {
  const EbpcParams p = params_of(o);
  const DTypeInfo* info = dtype_from_name(o.dtype);
  if (info == nullptr) {
    fail("--dtype: unknown type '" + o.dtype + "'");
  }
  if (o.width > info->nbytes * 8 || (info->is_float && o.width != info->nbytes * 8)) {
    fail(fmt::format("--dtype {} cannot hold {}-bit words", info->name, o.width));
  }
  if (o.count == 0 || o.count > k_hw_max_nwords) {
    fail("--count: the hardware carries 1..2^24 words");
  }
  const std::uint64_t word_nbytes = (o.width + 7) / 8;
  const std::uint64_t max_nbytes =
      (ebpc_znz_bound_nbytes(o.count, p) + ebpc_bpc_bound_nbytes(o.count, p)) * word_nbytes + 64;
  const auto znz = from_hw_words(read_file(o.znz_path, max_nbytes), o.width, o.znz_path);
  const auto bpc = from_hw_words(read_file(o.bpc_path, max_nbytes), o.width, o.bpc_path);
  std::vector<std::uint32_t> words(o.count);
  auto r = decode_streams(znz, bpc, p, std::span<std::uint32_t>(words));
  if (!r) {
    fail("cannot decode the streams", r.error());
  }
  std::vector<std::uint8_t> elems(words.size() * info->nbytes);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::memcpy(elems.data() + i * info->nbytes, &words[i], info->nbytes);
  }
  words_to_elements(elems, info->id, o.width);
  NpyHeader h;
  h.dtype = info->id;
  h.shape = {o.count};
  if (o.output != "-" && !o.force && file_exists(o.output)) {
    fail(o.output + ": already exists (use -f to overwrite)");
  }
  if (auto w = write_npy(o.output, h, elems); !w) {
    fail(w.error().message);
  }
}

}  // namespace

void register_hw(CLI::App& app) {
  auto* hw = app.add_subcommand("hw", "The EBPC hardware's raw streams (and its cycle model)");
  hw->require_subcommand(1);

  auto eo = std::make_shared<HwOptions>();
  auto* e = hw->add_subcommand("encode", "Encode a .npy array into the hardware's ZNZ and BPC word streams");
  e->add_option("--width", eo->width, "word width W")->capture_default_str();
  e->add_option("--block", eo->block_nwords, "block size B")->capture_default_str();
  e->add_option("--max-zero-run", eo->max_zero_run_nwords, "zero-run limit Z")->capture_default_str();
  e->add_option("input", eo->input, "input .npy")->required();
  e->add_option("--znz", eo->znz_path, "output ZNZ stream file")->required();
  e->add_option("--bpc", eo->bpc_path, "output BPC stream file")->required();
  e->add_flag("-f,--force", eo->force, "overwrite existing outputs");
  e->callback([eo] { run_hw_encode(*eo); });

  auto d_o = std::make_shared<HwOptions>();
  auto* d = hw->add_subcommand("decode", "Decode the hardware's ZNZ and BPC word streams into a .npy array");
  d->add_option("--width", d_o->width, "word width W")->capture_default_str();
  d->add_option("--block", d_o->block_nwords, "block size B")->capture_default_str();
  d->add_option("--max-zero-run", d_o->max_zero_run_nwords, "zero-run limit Z")->capture_default_str();
  d->add_option("--count", d_o->count, "number of words N")->required();
  d->add_option("--dtype", d_o->dtype, "output element type")->capture_default_str();
  d->add_option("--znz", d_o->znz_path, "input ZNZ stream file")->required();
  d->add_option("--bpc", d_o->bpc_path, "input BPC stream file")->required();
  d->add_option("-o,--output", d_o->output, "output .npy")->required();
  d->add_flag("-f,--force", d_o->force, "overwrite an existing output");
  d->callback([d_o] { run_hw_decode(*d_o); });

#ifdef EBPC_HAVE_HW
  register_hw_sim(*hw);
  register_hw_ebpcx(*hw);
#endif
}

}  // namespace ebpc::cli
