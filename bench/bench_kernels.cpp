// Microbenchmarks: every src/arch kernel (SIMD and scalar twin) and the whole EBPC encode
// and decode, on synthetic feature-map-like words (ReLU-like: a share of zeros, small
// smooth non-zero values). Real-data numbers come from `ebpc bench` on .npy files.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include <ebpc/ebpc.hpp>

#include "arch/bitplane.hpp"

namespace {

template <class Word>
std::vector<Word> relu_like(std::size_t n, unsigned w, double zeros, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution is_zero(zeros);
  std::geometric_distribution<unsigned> mag(0.08);
  std::vector<Word> v(n);
  const std::uint32_t mask = w >= 32 ? 0xffffffffu : (1u << w) - 1;
  for (auto& x : v) {
    x = is_zero(rng) ? Word{0} : static_cast<Word>((1 + mag(rng)) & mask);
  }
  return v;
}

constexpr std::size_t k_n = 1 << 16;

template <class Word, bool Simd>
void BM_NonzeroMasks(benchmark::State& state) {
  const auto words = relu_like<Word>(k_n, 8, 0.42, 1);
  std::vector<std::uint64_t> masks(k_n / 64);
  for (auto _ : state) {
#if EBPC_ARCH_HAVE_SSE2
    const auto r = Simd ? ebpc::arch::nonzero_masks_sse2(words.data(), k_n / 64, masks.data())
                        : ebpc::arch::nonzero_masks_scalar(words.data(), k_n / 64, masks.data());
#else
    const auto r = ebpc::arch::nonzero_masks_scalar(words.data(), k_n / 64, masks.data());
#endif
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(masks.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k_n * sizeof(Word)));
}
BENCHMARK(BM_NonzeroMasks<std::uint8_t, false>);
BENCHMARK(BM_NonzeroMasks<std::uint8_t, true>);
BENCHMARK(BM_NonzeroMasks<std::uint16_t, false>);
BENCHMARK(BM_NonzeroMasks<std::uint16_t, true>);

std::vector<std::uint16_t> top_words(unsigned w) {
  const auto words = relu_like<std::uint16_t>(k_n, w, 0.0, 2);
  std::vector<std::uint16_t> top(k_n);
  for (std::size_t i = 0; i < k_n; ++i) {
    top[i] = static_cast<std::uint16_t>(words[i] << (16 - w));
  }
  return top;
}

template <bool Simd>
void BM_PlanesB8(benchmark::State& state) {
  const auto w = static_cast<unsigned>(state.range(0));
  const auto top = top_words(w);
  std::vector<std::uint8_t> planes(k_n / 8 * (w + 1));
  for (auto _ : state) {
#if EBPC_ARCH_HAVE_SSE2
    if (Simd) {
      ebpc::arch::planes_b8_sse2(top.data(), k_n / 8, w, planes.data());
    } else {
      ebpc::arch::planes_b8_scalar(top.data(), k_n / 8, w, planes.data());
    }
#else
    ebpc::arch::planes_b8_scalar(top.data(), k_n / 8, w, planes.data());
#endif
    benchmark::DoNotOptimize(planes.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_n));
}
BENCHMARK(BM_PlanesB8<false>)->Arg(8)->Arg(16);
BENCHMARK(BM_PlanesB8<true>)->Arg(8)->Arg(16);

template <bool Simd>
void BM_DbxB8(benchmark::State& state) {
  const auto w = static_cast<unsigned>(state.range(0));
  const auto top = top_words(w);
  const std::size_t nblocks = k_n / 8;
  std::vector<std::uint8_t> planes(nblocks * (w + 1));
  ebpc::arch::planes_b8_scalar(top.data(), nblocks, w, planes.data());
  std::vector<std::uint8_t> recs(nblocks * ebpc::arch::k_dbx_stride);
  for (auto _ : state) {
#if EBPC_ARCH_HAVE_SSE2
    if (Simd) {
      ebpc::arch::dbx_b8_sse2(planes.data(), nblocks, w, recs.data());
    } else {
      ebpc::arch::dbx_b8_scalar(planes.data(), nblocks, w, recs.data());
    }
#else
    ebpc::arch::dbx_b8_scalar(planes.data(), nblocks, w, recs.data());
#endif
    benchmark::DoNotOptimize(recs.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_n));
}
BENCHMARK(BM_DbxB8<false>)->Arg(8)->Arg(16);
BENCHMARK(BM_DbxB8<true>)->Arg(8)->Arg(16);

template <class Word>
void BM_EbpcEncode(benchmark::State& state) {
  const unsigned w = sizeof(Word) * 8;
  const auto words = relu_like<Word>(k_n, w, 0.42, 3);
  const ebpc::EbpcParams params{w, 8, 16};
  std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(k_n, params));
  std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(k_n, params));
  for (auto _ : state) {
    auto r = ebpc::ebpc_encode(std::span<const Word>(words), params, znz, bpc);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k_n * sizeof(Word)));
}
BENCHMARK(BM_EbpcEncode<std::uint8_t>);
BENCHMARK(BM_EbpcEncode<std::uint16_t>);

template <class Word>
void BM_EbpcDecode(benchmark::State& state) {
  const unsigned w = sizeof(Word) * 8;
  const auto words = relu_like<Word>(k_n, w, 0.42, 3);
  const ebpc::EbpcParams params{w, 8, 16};
  std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(k_n, params));
  std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(k_n, params));
  auto s = ebpc::ebpc_encode(std::span<const Word>(words), params, znz, bpc);
  if (!s) {
    state.SkipWithError("encode failed");
    return;
  }
  std::vector<Word> out(k_n);
  for (auto _ : state) {
    auto r = ebpc::ebpc_decode(znz, bpc, params, std::span<Word>(out));
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k_n * sizeof(Word)));
}
BENCHMARK(BM_EbpcDecode<std::uint8_t>);
BENCHMARK(BM_EbpcDecode<std::uint16_t>);

}  // namespace

BENCHMARK_MAIN();
