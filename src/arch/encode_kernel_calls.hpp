// Adapters that call the EBPC encoder kernels of each policy (src/arch/encode_kernels*.hpp) from
// outside the encoder body: for the twin tests (tests/test_arch_encode.cpp) and the kernel
// benchmarks (bench/bench_kernels.cpp). Not part of the library.
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch/cpu.hpp"
#include "arch/encode_kernels.hpp"
#include "arch/encode_kernels_avx2.hpp"
#include "arch/encode_kernels_sse2.hpp"

namespace ebpc::arch::encode_calls {

// Calls into a policy's kernels. The AVX2 ones are made from functions compiled for AVX2
// (an AVX2 vector must not cross a call from non-AVX2 code), and every adapter is noipa:
// GCC 12 at -O1 and -O3 was seen to drop a call, made from this file's non-AVX2 code, to an
// out-of-line AVX2 kernel (EncodeKernelsAvx2::pieces_group<8> and <16>) as if it had no effect
// (clang, GCC with noipa, with -fno-tree-loop-optimize or with UBSan keep the call). In
// the library the kernels are inlined into the encoder body, and the AVX2 entry points are
// called from another translation unit, so no such call exists there; the encoder's
// streams are checked bit for bit against the reference coder on both ISAs.
#if defined(__clang__)
#define EBPC_NOIPA __attribute__((noinline))
#else
#define EBPC_NOIPA __attribute__((noipa))
#endif
#define EBPC_KERNEL_CALLS(NAME, ATTRS_, K)                                                              \
  struct NAME {                                                                                        \
    template <class Word>                                                                              \
    ATTRS_ EBPC_NOIPA static std::uint64_t masks(const Word* words, unsigned ngroups, std::uint64_t* out) noexcept { \
      typename K::Acc acc = K::acc_zero();                                                             \
      for (unsigned g = 0; g < ngroups; ++g) {                                                         \
        out[g] = K::nonzero_mask64(words + 64 * g, acc);                                               \
      }                                                                                                \
      return K::template acc_fold<Word>(acc);                                                          \
    }                                                                                                  \
    template <class Word, class Nz>                                                                    \
    ATTRS_ EBPC_NOIPA static unsigned compact64(const Word* in, std::uint64_t m, Nz* out) noexcept {              \
      return K::compact64(in, m, out);                                                                 \
    }                                                                                                  \
    template <unsigned WT, class Nz>                                                                   \
    ATTRS_ EBPC_NOIPA static void planes(const Nz* nz, unsigned w, ::ebpc::arch::EncodeGroup& g) noexcept {                      \
      K::template planes_group<WT>(nz, w, g);                                                          \
    }                                                                                                  \
    template <unsigned WT>                                                                             \
    ATTRS_ EBPC_NOIPA static void classify(::ebpc::arch::EncodeGroup& g, unsigned w) noexcept {                                  \
      K::template classify_group<WT>(g, w);                                                            \
    }                                                                                                  \
    template <unsigned WT>                                                                             \
    ATTRS_ EBPC_NOIPA static void pieces(::ebpc::arch::EncodeGroup& g, unsigned w, const ebpc::arch::PiecePlan& plan) noexcept { \
      K::template pieces_group<WT>(g, w, plan);                                                        \
    }                                                                                                  \
    template <class Word, class Nz>                                                                    \
    ATTRS_ EBPC_NOIPA static unsigned compact(const Word* in, std::size_t n, Nz* out) noexcept {         \
      typename K::Acc acc = K::acc_zero();                                                             \
      unsigned total = 0;                                                                              \
      for (std::size_t k = 0; k < n; k += 64) {                                                        \
        total += K::compact64(in + k, K::nonzero_mask64(in + k, acc), out);                            \
      }                                                                                                \
      return total + static_cast<unsigned>(K::template acc_fold<Word>(acc) & 1);                       \
    }                                                                                                  \
  }

EBPC_KERNEL_CALLS(ScalarCalls, , ::ebpc::arch::EncodeKernelsScalar);
#if defined(__SSE2__)
EBPC_KERNEL_CALLS(Sse2Calls, , ebpc::arch::EncodeKernelsSse2);
#endif
#if EBPC_ARCH_HAVE_AVX2
EBPC_KERNEL_CALLS(Avx2Calls, EBPC_TARGET_AVX2, ebpc::arch::EncodeKernelsAvx2);
#endif

}  // namespace ebpc::arch::encode_calls
