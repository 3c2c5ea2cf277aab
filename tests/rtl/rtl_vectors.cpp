// Writes the vectors of the gate-level simulation (tests/rtl/gate_sim.sh): W=8, B=8
// transmissions back to back (the golden vectors' W=8 inputs, the published encoder's hang
// shapes, seeded random inputs of every zero fraction), with the library's streams.
// usage: ebpc_rtl_vectors GOLDEN.json OUTDIR
// OUTDIR/in.hex: {last, word} per input word; znz.hex: {last, word} per ZNZ word;
// bpc.hex: {last, pair, hi, lo} per BPC handshake; cnt.hex: N-1 per transmission;
// counts.txt: the four line counts.
#include <cstdio>
#include <ebpc/ebpc.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using Words = std::vector<std::uint32_t>;

Words to_words(const std::vector<std::uint8_t>& bytes, std::uint64_t padded_nbits) {
  return Words(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(padded_nbits / 8));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: ebpc_rtl_vectors GOLDEN.json OUTDIR\n");
    return 2;
  }
  std::vector<Words> txs;
  std::ifstream gf(argv[1]);
  const auto j = nlohmann::json::parse(gf);
  for (const auto& v : j.at("vectors")) {
    if (v.at("word_width").get<unsigned>() != 8) {
      continue;
    }
    Words x;
    for (const auto& e : v.at("values")) {
      x.push_back(static_cast<std::uint32_t>(e.get<std::int64_t>()) & 0xffu);
    }
    txs.push_back(x);
  }
  for (unsigned nz : {0u, 1u, 7u, 12u, 13u, 20u}) {  // one block, then zeros (the hang shape)
    Words x;
    for (unsigned i = 0; i < 8; ++i) {
      x.push_back(20 + 11 * i);
    }
    x.resize(x.size() + nz, 0);
    txs.push_back(x);
  }
  txs.push_back({10, 112, 8, 110, 6, 108, 4, 106, 10, 112, 8, 110, 6, 108, 4, 106, 0x80, 0x7f, 0x80, 0x7f, 1});
  std::mt19937_64 rng(4242);
  for (int k = 0; k < 24; ++k) {
    const double z = (k % 9) / 8.0;
    const std::size_t n = 1 + rng() % (k < 16 ? 40 : 400);
    Words x(n);
    for (auto& w : x) {
      w = std::uniform_real_distribution<double>(0, 1)(rng) < z ? 0 : static_cast<std::uint32_t>(rng() % 255 + 1);
    }
    txs.push_back(x);
  }
  const std::string dir = argv[2];
  std::FILE* fin = std::fopen((dir + "/in.hex").c_str(), "w");
  std::FILE* fz = std::fopen((dir + "/znz.hex").c_str(), "w");
  std::FILE* fb = std::fopen((dir + "/bpc.hex").c_str(), "w");
  std::FILE* fc = std::fopen((dir + "/cnt.hex").c_str(), "w");
  if (fin == nullptr || fz == nullptr || fb == nullptr || fc == nullptr) {
    std::fprintf(stderr, "cannot write to %s\n", dir.c_str());
    return 1;
  }
  std::size_t nin = 0, nzw = 0, nb = 0;
  for (const auto& x : txs) {
    auto s = ebpc::encode_streams_to_vectors(x, ebpc::EbpcParams{8, 8, 16});
    if (!s) {
      return 1;
    }
    const Words znz = to_words(s->znz, s->sizes.znz_padded_nbits);
    const Words bpc = to_words(s->bpc, s->sizes.bpc_padded_nbits);
    for (std::size_t i = 0; i < x.size(); ++i, ++nin) {
      std::fprintf(fin, "%03x\n", (i + 1 == x.size() ? 0x100u : 0u) | x[i]);
    }
    for (std::size_t i = 0; i < znz.size(); ++i, ++nzw) {
      std::fprintf(fz, "%03x\n", (i + 1 == znz.size() ? 0x100u : 0u) | znz[i]);
    }
    for (std::size_t i = 0; i < bpc.size(); i += 2, ++nb) {
      const bool pair = i + 1 < bpc.size();
      const bool last = i + 2 >= bpc.size();
      std::fprintf(fb, "%05x\n",
                   (last ? 0x20000u : 0u) | (pair ? 0x10000u : 0u) | (bpc[i] << 8) | (pair ? bpc[i + 1] : 0u));
    }
    std::fprintf(fc, "%06zx\n", x.size() - 1);
  }
  std::fclose(fin);
  std::fclose(fz);
  std::fclose(fb);
  std::fclose(fc);
  std::ofstream(dir + "/counts.txt") << nin << " " << nzw << " " << nb << " " << txs.size() << "\n";
  std::printf("%zu transmissions, %zu words, %zu ZNZ words, %zu BPC handshakes\n", txs.size(), nin, nzw, nb);
  return 0;
}
