// Microbenchmarks of the B = 8 decoder's kernels (src/arch/unplane_b8*.hpp): each kernel
// of each policy (scalar twin, SSE2, AVX2 + BMI2 where the CPU has it) on the same
// synthetic feature-map-like blocks (ReLU-like: a share of zeros, small smooth values);
// and the B = 16 block kernels (src/arch/unplane_b16*.hpp) likewise.
// The whole decoder on real data: `ebpc bench`, and bench/ebpc_count under callgrind.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/unplane_b16.hpp"
#include "arch/unplane_b16_scalar.hpp"
#include "arch/unplane_b16_sse2.hpp"
#include "arch/unplane_b8.hpp"
#include "arch/unplane_b8_scalar.hpp"
#include "arch/unplane_b8_sse2.hpp"
#if EBPC_ARCH_HAVE_AVX2
#include "arch/unplane_b16_avx2.hpp"
#include "arch/unplane_b8_avx2.hpp"
#endif

#include "arch/unplane_b8_runners.hpp"

namespace {

constexpr std::size_t k_nblocks = 1 << 13;  // 65536 words
constexpr std::size_t k_seg = 1024;          // the decoder's segment

enum class Isa { scalar, sse2, avx2 };

bool skip_unless_usable(benchmark::State& state, Isa isa) {
#if !defined(EBPC_ARCH_HAVE_SSE2_DECODE)
  if (isa == Isa::sse2) {
    state.SkipWithError("no SSE2 in this build");
    return true;
  }
#endif
#if EBPC_ARCH_HAVE_AVX2
  if (isa == Isa::avx2 && !ebpc::arch::use_avx2()) {
    state.SkipWithError("no AVX2 + BMI2 here (or EBPC_ISA=baseline)");
    return true;
  }
#else
  if (isa == Isa::avx2) {
    state.SkipWithError("no AVX2 in this build");
    return true;
  }
#endif
  return false;
}

// Valid records of ReLU-like blocks (arch/unplane_b8.hpp), W bits.
struct Records {
  std::vector<std::uint8_t> recs, bases8;
  std::vector<std::uint16_t> bases16;
};

Records make_records(unsigned w) {
  std::mt19937_64 rng(7);
  std::geometric_distribution<unsigned> mag(0.08);
  const std::size_t stride = w <= 8 ? ebpc::arch::k_narrow_stride : ebpc::arch::k_wide_stride;
  Records r;
  r.recs.assign(k_nblocks * stride + 64, 0);
  r.bases8.assign(k_nblocks + 4, 0);
  r.bases16.assign(k_nblocks + 4, 0);
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  for (std::size_t b = 0; b < k_nblocks; ++b) {
    std::int64_t v[8];
    for (auto& x : v) {
      x = std::min<std::int64_t>(1 + mag(rng), hi);
    }
    unsigned plane[17] = {};
    for (unsigned i = 1; i < 8; ++i) {
      const auto d = static_cast<std::uint64_t>(v[i] - v[i - 1]);
      for (unsigned q = 0; q <= w; ++q) {
        plane[q] |= static_cast<unsigned>((d >> q) & 1u) << (7 - i);
      }
    }
    unsigned prev = 0;
    for (unsigned p = 0; p <= w; ++p) {
      r.recs[b * stride + p] = static_cast<std::uint8_t>(plane[p] == 0 ? 0x80u : plane[p] ^ prev);
      prev = plane[p];
    }
    r.bases16[b] = static_cast<std::uint16_t>(v[0]);
    r.bases8[b] = static_cast<std::uint8_t>(w <= 8 ? v[0] << (8 - w) : 0);
  }
  return r;
}

template <Isa kIsa>
bool run_unplane(const Records& r, unsigned w, std::uint8_t* o8, std::uint16_t* o16) {
  if constexpr (kIsa == Isa::scalar) {
    return runners_plain::unplane<ebpc::arch::ScalarDecodeKernels>(r.recs.data(), r.bases8.data(), r.bases16.data(),
                                                                  k_nblocks, w, o8, o16);
  }
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
  if constexpr (kIsa == Isa::sse2) {
    return runners_plain::unplane<ebpc::arch::Sse2DecodeKernels>(r.recs.data(), r.bases8.data(), r.bases16.data(),
                                                                k_nblocks, w, o8, o16);
  }
#endif
#if EBPC_ARCH_HAVE_AVX2
  if constexpr (kIsa == Isa::avx2) {
    return runners_avx2::unplane<ebpc::arch::Avx2DecodeKernels>(r.recs.data(), r.bases8.data(), r.bases16.data(),
                                                               k_nblocks, w, o8, o16);
  }
#endif
  return false;
}

// Arg: W (8: the narrow kernel, 16: the wide one).
template <Isa kIsa>
void BM_Unplane4(benchmark::State& state) {
  if (skip_unless_usable(state, kIsa)) {
    return;
  }
  const auto w = static_cast<unsigned>(state.range(0));
  const Records r = make_records(w);
  std::vector<std::uint8_t> o8(k_nblocks * 8 + 32);
  std::vector<std::uint16_t> o16(k_nblocks * 8 + 32);
  for (auto _ : state) {
    const bool bad = run_unplane<kIsa>(r, w, o8.data(), o16.data());
    benchmark::DoNotOptimize(bad);
    benchmark::DoNotOptimize(o8.data());
    benchmark::DoNotOptimize(o16.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_nblocks * 8));
}
BENCHMARK(BM_Unplane4<Isa::scalar>)->Arg(8)->Arg(16);
BENCHMARK(BM_Unplane4<Isa::sse2>)->Arg(8)->Arg(16);
BENCHMARK(BM_Unplane4<Isa::avx2>)->Arg(8)->Arg(16);

// Valid B = 16 records (arch/unplane_b16.hpp) of the same ReLU-like values, k_nblocks / 2
// blocks (the same 65536 words).
struct RecordsB16 {
  std::vector<std::uint8_t> recs;
  std::vector<std::uint16_t> bases;
};

RecordsB16 make_records_b16(unsigned w) {
  std::mt19937_64 rng(7);
  std::geometric_distribution<unsigned> mag(0.08);
  constexpr std::size_t stride = ebpc::arch::k_b16_stride;
  RecordsB16 r;
  r.recs.assign(k_nblocks / 2 * stride, 0);
  r.bases.assign(k_nblocks / 2, 0);
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  for (std::size_t b = 0; b < k_nblocks / 2; ++b) {
    std::int64_t v[16];
    for (auto& x : v) {
      x = std::min<std::int64_t>(1 + mag(rng), hi);
    }
    unsigned plane[17] = {};
    for (unsigned i = 1; i < 16; ++i) {
      const auto d = static_cast<std::uint64_t>(v[i] - v[i - 1]);
      for (unsigned q = 0; q <= w; ++q) {
        plane[q] |= static_cast<unsigned>((d >> q) & 1u) << (15 - i);
      }
    }
    unsigned prev = 0;
    for (unsigned p = 0; p <= w; ++p) {
      const auto e = static_cast<std::uint16_t>(plane[p] == 0 ? 0x8000u : plane[p] ^ prev);
      std::memcpy(r.recs.data() + b * stride + 2 * p, &e, 2);
      prev = plane[p];
    }
    r.bases[b] = static_cast<std::uint16_t>(v[0]);
  }
  return r;
}

#define EBPC_B16_RUNNER(ATTR, NAME)                                                                   \
  template <class K>                                                                                  \
  ATTR bool NAME(const RecordsB16& r, unsigned w, std::uint8_t* o8, std::uint16_t* o16) {            \
    const typename K::Consts k = K::consts(w);                                                        \
    typename K::Bad bad = K::bad_none();                                                              \
    for (std::size_t b = 0; b < r.bases.size(); b += 2) {                                             \
      const std::uint8_t* rec = r.recs.data() + b * ebpc::arch::k_b16_stride;                         \
      if (w <= 8) {                                                                                   \
        K::unplane2_narrow(rec, r.bases.data() + b, k, o8 + 16 * b, bad);                             \
      } else {                                                                                        \
        K::unplane2_wide(rec, r.bases.data() + b, k, o16 + 16 * b, bad);                              \
      }                                                                                               \
    }                                                                                                 \
    return K::bad_any(bad);                                                                           \
  }
EBPC_B16_RUNNER(, run_unplane_b16)
#if EBPC_ARCH_HAVE_AVX2
EBPC_B16_RUNNER(EBPC_TARGET_AVX2, run_unplane_b16_avx2)
#endif
#undef EBPC_B16_RUNNER

// Arg: W (8: unplane2_narrow, 16: unplane2_wide).
template <Isa kIsa>
void BM_UnplaneB16(benchmark::State& state) {
  if (skip_unless_usable(state, kIsa)) {
    return;
  }
  const auto w = static_cast<unsigned>(state.range(0));
  const RecordsB16 r = make_records_b16(w);
  std::vector<std::uint8_t> o8(k_nblocks * 8);
  std::vector<std::uint16_t> o16(k_nblocks * 8);
  for (auto _ : state) {
    bool bad = false;
    if constexpr (kIsa == Isa::scalar) {
      bad = run_unplane_b16<ebpc::arch::ScalarUnplaneB16>(r, w, o8.data(), o16.data());
    }
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
    if constexpr (kIsa == Isa::sse2) {
      bad = run_unplane_b16<ebpc::arch::Sse2UnplaneB16>(r, w, o8.data(), o16.data());
    }
#endif
#if EBPC_ARCH_HAVE_AVX2
    if constexpr (kIsa == Isa::avx2) {
      bad = run_unplane_b16_avx2<ebpc::arch::Avx2UnplaneB16>(r, w, o8.data(), o16.data());
    }
#endif
    benchmark::DoNotOptimize(bad);
    benchmark::DoNotOptimize(o8.data());
    benchmark::DoNotOptimize(o16.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_nblocks * 8));
}
BENCHMARK(BM_UnplaneB16<Isa::scalar>)->Arg(8)->Arg(16);
BENCHMARK(BM_UnplaneB16<Isa::sse2>)->Arg(8)->Arg(16);
BENCHMARK(BM_UnplaneB16<Isa::avx2>)->Arg(8)->Arg(16);

// Masks of one segment (58% non-zero, as the fixed8 sample) and its non-zero words.
struct Segment {
  std::vector<std::uint64_t> masks;
  std::vector<std::uint8_t> v8;
  std::vector<std::uint16_t> v16;
};
Segment make_segment() {
  std::mt19937_64 rng(11);
  std::bernoulli_distribution set(0.58);
  Segment s;
  s.masks.assign(k_seg / 64 + 1, 0);
  for (std::size_t i = 0; i < k_seg; ++i) {
    if (set(rng)) {
      s.masks[i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  s.v8.resize(k_seg + 64);
  s.v16.resize(k_seg + 64);
  for (std::size_t i = 0; i < s.v8.size(); ++i) {
    s.v8[i] = static_cast<std::uint8_t>(1 + rng() % 255);
    s.v16[i] = static_cast<std::uint16_t>(1 + rng() % 65535);
  }
  return s;
}

// Arg: 0 = scatter_narrow into uint8, 1 = scatter_wide into uint16.
template <Isa kIsa>
void BM_Scatter(benchmark::State& state) {
  if (skip_unless_usable(state, kIsa)) {
    return;
  }
  const bool wide = state.range(0) != 0;
  const Segment s = make_segment();
  const auto* mbytes = reinterpret_cast<const std::uint8_t*>(s.masks.data());
  std::vector<std::uint8_t> o8(k_seg);
  std::vector<std::uint16_t> o16(k_seg);
  for (auto _ : state) {
    if constexpr (kIsa == Isa::scalar) {
      if (wide) {
        runners_plain::scatter_wide<ebpc::arch::ScalarDecodeKernels>(mbytes, k_seg, s.v16.data(), o16.data());
      } else {
        runners_plain::scatter_narrow<ebpc::arch::ScalarDecodeKernels>(mbytes, k_seg, s.v8.data(), o8.data());
      }
    }
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
    if constexpr (kIsa == Isa::sse2) {
      if (wide) {
        runners_plain::scatter_wide<ebpc::arch::Sse2DecodeKernels>(mbytes, k_seg, s.v16.data(), o16.data());
      } else {
        runners_plain::scatter_narrow<ebpc::arch::Sse2DecodeKernels>(mbytes, k_seg, s.v8.data(), o8.data());
      }
    }
#endif
#if EBPC_ARCH_HAVE_AVX2
    if constexpr (kIsa == Isa::avx2) {
      if (wide) {
        runners_avx2::scatter_wide<ebpc::arch::Avx2DecodeKernels>(mbytes, k_seg, s.v16.data(), o16.data());
      } else {
        runners_avx2::scatter_narrow<ebpc::arch::Avx2DecodeKernels>(mbytes, k_seg, s.v8.data(), o8.data());
      }
    }
#endif
    benchmark::DoNotOptimize(o8.data());
    benchmark::DoNotOptimize(o16.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_seg));
}
BENCHMARK(BM_Scatter<Isa::scalar>)->Arg(0)->Arg(1);
BENCHMARK(BM_Scatter<Isa::sse2>)->Arg(0)->Arg(1);
BENCHMARK(BM_Scatter<Isa::avx2>)->Arg(0)->Arg(1);

// Arg: 0 = any_zero_u8, 1 = any_zero_u16, over one segment's non-zero words.
template <Isa kIsa>
void BM_AnyZero(benchmark::State& state) {
  if (skip_unless_usable(state, kIsa)) {
    return;
  }
  const bool wide = state.range(0) != 0;
  const Segment s = make_segment();
  const std::size_t count = 600;
  for (auto _ : state) {
    bool hit = false;
    if constexpr (kIsa == Isa::scalar) {
      hit = wide ? runners_plain::any_zero_u16<ebpc::arch::ScalarDecodeKernels>(s.v16.data(), count)
                 : runners_plain::any_zero_u8<ebpc::arch::ScalarDecodeKernels>(s.v8.data(), count);
    }
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
    if constexpr (kIsa == Isa::sse2) {
      hit = wide ? runners_plain::any_zero_u16<ebpc::arch::Sse2DecodeKernels>(s.v16.data(), count)
                 : runners_plain::any_zero_u8<ebpc::arch::Sse2DecodeKernels>(s.v8.data(), count);
    }
#endif
#if EBPC_ARCH_HAVE_AVX2
    if constexpr (kIsa == Isa::avx2) {
      hit = wide ? runners_avx2::any_zero_u16<ebpc::arch::Avx2DecodeKernels>(s.v16.data(), count)
                 : runners_avx2::any_zero_u8<ebpc::arch::Avx2DecodeKernels>(s.v8.data(), count);
    }
#endif
    benchmark::DoNotOptimize(hit);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}
BENCHMARK(BM_AnyZero<Isa::scalar>)->Arg(0)->Arg(1);
BENCHMARK(BM_AnyZero<Isa::sse2>)->Arg(0)->Arg(1);
BENCHMARK(BM_AnyZero<Isa::avx2>)->Arg(0)->Arg(1);

// The ZNZ step's mask of n low bits (bzhi on AVX2 + BMI2, a shift otherwise).
template <Isa kIsa>
void BM_LowOnes(benchmark::State& state) {
  if (skip_unless_usable(state, kIsa)) {
    return;
  }
  std::uint64_t acc = 0;
  unsigned n = 0;
  for (auto _ : state) {
    for (int k = 0; k < 256; ++k) {
      n = (n + 7) & 63;
      benchmark::DoNotOptimize(n);
      if constexpr (kIsa == Isa::scalar) {
        acc += runners_plain::low_ones<ebpc::arch::ScalarDecodeKernels>(n);
      }
#if defined(EBPC_ARCH_HAVE_SSE2_DECODE)
      if constexpr (kIsa == Isa::sse2) {
        acc += runners_plain::low_ones<ebpc::arch::Sse2DecodeKernels>(n);
      }
#endif
#if EBPC_ARCH_HAVE_AVX2
      if constexpr (kIsa == Isa::avx2) {
        acc += runners_avx2::low_ones<ebpc::arch::Avx2DecodeKernels>(n);
      }
#endif
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_LowOnes<Isa::scalar>);
BENCHMARK(BM_LowOnes<Isa::sse2>);
BENCHMARK(BM_LowOnes<Isa::avx2>);

}  // namespace

BENCHMARK_MAIN();
