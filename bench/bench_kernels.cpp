// Microbenchmarks: every src/arch kernel (SIMD and scalar twin) and the whole EBPC encode
// and decode, on synthetic feature-map-like words (ReLU-like: a share of zeros, small
// smooth non-zero values). Real-data numbers come from `ebpc bench` on .npy files.
#include <benchmark/benchmark.h>

#include <random>
#include <type_traits>
#include <vector>

#include <ebpc/ebpc.hpp>

#include "arch/bitplane.hpp"
#include "arch/cpu.hpp"
#include "arch/encode_kernels.hpp"
#include "arch/encode_b16.hpp"
#include "arch/encode_b16_avx2.hpp"
#include "arch/encode_kernel_calls.hpp"
#include "common/bitio.hpp"

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

// ---- The encoder's kernels (src/arch/encode_kernels*.hpp), each policy against the scalar twins,
// on one group of 32 blocks of ReLU-like words, through the adapters of
// arch/encode_kernel_calls.hpp (the AVX2 kernels are called from AVX2 functions).
using EncScalar = ebpc::arch::encode_calls::ScalarCalls;
#if defined(__SSE2__)
using EncSse2 = ebpc::arch::encode_calls::Sse2Calls;
#endif
#if EBPC_ARCH_HAVE_AVX2
using EncAvx2 = ebpc::arch::encode_calls::Avx2Calls;
#endif

template <class C>
bool skip_unless_runnable(benchmark::State& state) {
#if EBPC_ARCH_HAVE_AVX2
  if (std::is_same_v<C, EncAvx2> && !ebpc::arch::use_avx2()) {
    state.SkipWithError("no AVX2 + BMI2 on this CPU");
    return true;
  }
#endif
  (void)state;
  return false;
}

// The three per-group kernels one at a time (planes, symbols, pieces) on one group of 32
// blocks of ReLU-like words, W = 8 as bytes and W = 16 as 16-bit words; items = words.
enum class GroupKernel { planes, classify, pieces };

template <class C, unsigned W, GroupKernel Kernel>
void BM_EncodeGroup(benchmark::State& state) {
  if (skip_unless_runnable<C>(state)) {
    return;
  }
  using Nz = std::conditional_t<W <= 8, std::uint8_t, std::uint16_t>;
  const auto words = relu_like<Nz>(8 * ebpc::arch::k_group, W, 0.0, 3);
  const auto plan = ebpc::arch::make_piece_plan(W);
  ebpc::arch::EncodeGroup g{};
  EncScalar::planes<W>(words.data(), W, g);
  EncScalar::classify<W>(g, W);
  const ebpc::arch::EncodeGroup input = g;
  for (auto _ : state) {
    if constexpr (Kernel == GroupKernel::planes) {
      C::template planes<W>(words.data(), W, g);
    } else if constexpr (Kernel == GroupKernel::classify) {
      g = input;  // classify writes code/len from planes (the copy is in the time)
      C::template classify<W>(g, W);
    } else {
      C::template pieces<W>(g, W, plan);
    }
    benchmark::DoNotOptimize(&g);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(8 * ebpc::arch::k_group));
}
#define EBPC_BENCH_GROUP(C)                                     \
  BENCHMARK(BM_EncodeGroup<C, 8, GroupKernel::planes>);         \
  BENCHMARK(BM_EncodeGroup<C, 16, GroupKernel::planes>);        \
  BENCHMARK(BM_EncodeGroup<C, 8, GroupKernel::classify>);       \
  BENCHMARK(BM_EncodeGroup<C, 16, GroupKernel::classify>);      \
  BENCHMARK(BM_EncodeGroup<C, 8, GroupKernel::pieces>);         \
  BENCHMARK(BM_EncodeGroup<C, 16, GroupKernel::pieces>)

// Non-zero masks and compaction of k_n words (42% zeros).
template <class C, class Word>
void BM_EncodeCompact(benchmark::State& state) {
  if (skip_unless_runnable<C>(state)) {
    return;
  }
  using Nz = std::conditional_t<sizeof(Word) == 1, std::uint8_t, std::uint16_t>;
  const auto words = relu_like<Word>(k_n, 8, 0.42, 4);
  std::vector<Nz> out(64 + 16);
  for (auto _ : state) {
    benchmark::DoNotOptimize(C::compact(words.data(), k_n, out.data()));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_n));
}
EBPC_BENCH_GROUP(EncScalar);
BENCHMARK(BM_EncodeCompact<EncScalar, std::uint8_t>);
BENCHMARK(BM_EncodeCompact<EncScalar, std::uint16_t>);
#if defined(__SSE2__)
EBPC_BENCH_GROUP(EncSse2);
BENCHMARK(BM_EncodeCompact<EncSse2, std::uint8_t>);
BENCHMARK(BM_EncodeCompact<EncSse2, std::uint16_t>);
#endif
#if EBPC_ARCH_HAVE_AVX2
EBPC_BENCH_GROUP(EncAvx2);
BENCHMARK(BM_EncodeCompact<EncAvx2, std::uint8_t>);
BENCHMARK(BM_EncodeCompact<EncAvx2, std::uint16_t>);
#endif

// B = 16: the delta bit-planes of one block (SSE2 and its scalar twin), the block coder with
// the scalar codes, and the codes alone (SSE2, AVX2, the scalar twin), over the blocks of k_n non-zero words.
enum class PlanesB16 { scalar, sse2, avx2 };
#if EBPC_ARCH_HAVE_AVX2
EBPC_NOIPA EBPC_TARGET_AVX2 void codes_b16_avx2_call(const std::uint16_t* planes, unsigned w, std::uint32_t* code,
                                                     std::uint32_t* len) {
  ebpc::arch::codes_b16_avx2(planes, w, code, len);
}
#endif
template <PlanesB16 K, class Nz>
void BM_PlanesB16(benchmark::State& state) {
  const unsigned w = sizeof(Nz) * 8;
  auto words = relu_like<Nz>(k_n, w, 0.0, 5);
  std::uint16_t planes[17];
  for (auto _ : state) {
    for (std::size_t b = 0; b + 16 <= k_n; b += 16) {
#if defined(__SSE2__)
      const std::uint32_t base = K == PlanesB16::sse2 ? ebpc::arch::planes_b16_sse2(words.data() + b, w, planes)
                                                      : ebpc::arch::planes_b16_scalar(words.data() + b, w, planes);
#else
      const std::uint32_t base = ebpc::arch::planes_b16_scalar(words.data() + b, w, planes);
#endif
      benchmark::DoNotOptimize(base);
      benchmark::DoNotOptimize(planes);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_n));
}
BENCHMARK(BM_PlanesB16<PlanesB16::scalar, std::uint8_t>);
BENCHMARK(BM_PlanesB16<PlanesB16::scalar, std::uint16_t>);
#if defined(__SSE2__)
BENCHMARK(BM_PlanesB16<PlanesB16::sse2, std::uint8_t>);
BENCHMARK(BM_PlanesB16<PlanesB16::sse2, std::uint16_t>);
#endif

template <unsigned W>
void BM_CodeBlockB16(benchmark::State& state) {
  using Nz = std::conditional_t<W <= 8, std::uint8_t, std::uint16_t>;
  const auto words = relu_like<Nz>(k_n, W, 0.0, 6);
  std::vector<std::uint16_t> planes(k_n / 16 * 17);
  std::vector<std::uint32_t> bases(k_n / 16);
  for (std::size_t b = 0; b < k_n / 16; ++b) {
    bases[b] = ebpc::arch::planes_b16_scalar(words.data() + 16 * b, W, planes.data() + 17 * b);
  }
  std::vector<std::uint8_t> out(k_n * 4 + 64);
  for (auto _ : state) {
    ebpc::WideBitWriter bw(out);
    for (std::size_t b = 0; b < k_n / 16; ++b) {
      ebpc::arch::code_block_b16<W>(planes.data() + 17 * b, bases[b], W, bw);
    }
    benchmark::DoNotOptimize(bw.nbits());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_n));
}
BENCHMARK(BM_CodeBlockB16<8>);
BENCHMARK(BM_CodeBlockB16<16>);

// The plane codes alone (codes_b16: SSE2 against the scalar twin).
template <PlanesB16 K, unsigned W>
void BM_CodesB16(benchmark::State& state) {
  using Nz = std::conditional_t<W <= 8, std::uint8_t, std::uint16_t>;
  const auto words = relu_like<Nz>(k_n, W, 0.0, 6);
  constexpr unsigned cap = ebpc::arch::k_b16_planes_cap;
  std::vector<std::uint16_t> planes(k_n / 16 * cap);
  for (std::size_t b = 0; b < k_n / 16; ++b) {
    ebpc::arch::planes_b16_scalar(words.data() + 16 * b, W, planes.data() + cap * b);
  }
  std::uint32_t code[cap];
  std::uint32_t len[cap];
#if EBPC_ARCH_HAVE_AVX2
  if (K == PlanesB16::avx2 && !ebpc::arch::use_avx2()) {
    state.SkipWithError("no AVX2 + BMI2 here");
    return;
  }
#endif
  for (auto _ : state) {
    for (std::size_t b = 0; b < k_n / 16; ++b) {
#if EBPC_ARCH_HAVE_AVX2
      if (K == PlanesB16::avx2) {
        codes_b16_avx2_call(planes.data() + cap * b, W, code, len);
      } else
#endif
#if defined(__SSE2__)
      if (K == PlanesB16::sse2) {
        ebpc::arch::codes_b16_sse2(planes.data() + cap * b, W, code, len);
      } else
#endif
      {
        ebpc::arch::codes_b16_scalar(planes.data() + cap * b, W, code, len);
      }
      benchmark::DoNotOptimize(code);
      benchmark::DoNotOptimize(len);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_n));
}
BENCHMARK(BM_CodesB16<PlanesB16::scalar, 8>);
BENCHMARK(BM_CodesB16<PlanesB16::scalar, 16>);
#if defined(__SSE2__)
BENCHMARK(BM_CodesB16<PlanesB16::sse2, 8>);
BENCHMARK(BM_CodesB16<PlanesB16::sse2, 16>);
#endif
#if EBPC_ARCH_HAVE_AVX2
BENCHMARK(BM_CodesB16<PlanesB16::avx2, 8>);
BENCHMARK(BM_CodesB16<PlanesB16::avx2, 16>);
#endif

template <class Word, unsigned B = 8>
void BM_EbpcEncode(benchmark::State& state) {
  const unsigned w = sizeof(Word) * 8;
  const auto words = relu_like<Word>(k_n, w, 0.42, 3);
  const ebpc::EbpcParams params{w, B, 16};
  std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(k_n, params));
  std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(k_n, params));
  for (auto _ : state) {
    auto r = ebpc::encode_streams(std::span<const Word>(words), params, znz, bpc);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k_n * sizeof(Word)));
}
BENCHMARK(BM_EbpcEncode<std::uint8_t>);
BENCHMARK(BM_EbpcEncode<std::uint16_t>);
BENCHMARK(BM_EbpcEncode<std::uint8_t, 16>);
BENCHMARK(BM_EbpcEncode<std::uint16_t, 16>);

template <class Word, unsigned B = 8>
void BM_EbpcDecode(benchmark::State& state) {
  const unsigned w = sizeof(Word) * 8;
  const auto words = relu_like<Word>(k_n, w, 0.42, 3);
  const ebpc::EbpcParams params{w, B, 16};
  std::vector<std::uint8_t> znz(ebpc::ebpc_znz_bound_nbytes(k_n, params));
  std::vector<std::uint8_t> bpc(ebpc::ebpc_bpc_bound_nbytes(k_n, params));
  auto s = ebpc::encode_streams(std::span<const Word>(words), params, znz, bpc);
  if (!s) {
    state.SkipWithError("encode failed");
    return;
  }
  std::vector<Word> out(k_n);
  for (auto _ : state) {
    auto r = ebpc::decode_streams(znz, bpc, params, std::span<Word>(out));
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k_n * sizeof(Word)));
}
BENCHMARK(BM_EbpcDecode<std::uint8_t>);
BENCHMARK(BM_EbpcDecode<std::uint16_t>);
BENCHMARK(BM_EbpcDecode<std::uint8_t, 16>);
BENCHMARK(BM_EbpcDecode<std::uint16_t, 16>);

}  // namespace

BENCHMARK_MAIN();
