#include "eval/paper_quirks.hpp"

#include <bit>
#include <vector>

#include "common/check.hpp"

namespace ebpc::eval {

namespace {

std::uint64_t zero_run_nbits(unsigned run, unsigned run_len_nbits, bool swapped) {
  if (run == 0) {
    return 0;
  }
  if (run == 1) {
    return swapped ? 3 : 2;
  }
  return (swapped ? 2 : 3) + run_len_nbits;
}

// Bits of one block of n words (n >= 2; planes are n-1 bits wide), docs/stream-format.md
// "Block transform" and "BPC symbols".
std::uint64_t block_nbits(const std::int64_t* v, unsigned n, unsigned w, unsigned b, const PaperQuirks& q) {
  const unsigned nplanes = q.wrapped_deltas ? w : w + 1;
  const std::uint64_t delta_mask = (std::uint64_t{1} << nplanes) - 1;
  const unsigned plane_nbits = n - 1;
  const std::uint64_t ones = (std::uint64_t{1} << plane_nbits) - 1;
  const unsigned run_len_nbits = ceil_log2(w);
  const unsigned index_nbits = ceil_log2(b);
  std::uint64_t dbp[33] = {};
  for (unsigned i = 1; i < n; ++i) {
    const std::uint64_t d = static_cast<std::uint64_t>(v[i] - v[i - 1]) & delta_mask;
    for (unsigned p = 0; p < nplanes; ++p) {
      dbp[p] |= ((d >> p) & 1u) << (n - 1 - i);
    }
  }
  std::uint64_t nbits = w;  // base
  unsigned run = 0;
  std::uint64_t prev = 0;
  for (unsigned p = 0; p < nplanes; ++p) {
    const std::uint64_t dbx = dbp[p] ^ prev;
    prev = dbp[p];
    if (dbx == 0) {
      ++run;
      continue;
    }
    nbits += zero_run_nbits(run, run_len_nbits, q.swapped_run_codes);
    run = 0;
    const int nones = std::popcount(dbx);
    const auto low = static_cast<unsigned>(std::countr_zero(dbx));
    if (dbx == ones || dbp[p] == 0) {
      nbits += 5;
    } else if ((nones == 2 && (dbx >> low) == 0b11) || nones == 1) {
      nbits += 5 + index_nbits;
    } else {
      nbits += 1 + plane_nbits;
    }
  }
  return nbits + zero_run_nbits(run, run_len_nbits, q.swapped_run_codes);
}

}  // namespace

std::uint64_t ebpc_quirk_nbits(std::span<const std::uint32_t> words, unsigned word_nbits, unsigned block_nwords,
                               unsigned max_zero_run_nwords, const PaperQuirks& quirks) {
  const unsigned w = word_nbits;
  const unsigned b = block_nwords;
  const unsigned z_nbits = ceil_log2(max_zero_run_nwords);
  std::uint64_t nbits = 0;
  unsigned zero_run = 0;
  std::vector<std::int64_t> block(b, 0);
  unsigned fill = 0;
  for (const std::uint32_t word : words) {
    if (word == 0) {
      if (++zero_run == max_zero_run_nwords) {
        nbits += 1 + z_nbits;
        zero_run = 0;
      }
      continue;
    }
    if (zero_run != 0) {
      nbits += 1 + z_nbits;
      zero_run = 0;
    }
    nbits += 1;
    block[fill++] = sign_extend(word, w);
    if (fill == b) {
      nbits += block_nbits(block.data(), b, w, b, quirks);
      fill = 0;
    }
  }
  if (zero_run != 0) {
    nbits += 1 + z_nbits;
  }
  if (fill != 0) {
    if (quirks.short_last_block) {
      nbits += fill == 1 ? 0 : block_nbits(block.data(), fill, w, b, quirks);
    } else {
      for (unsigned i = fill; i < b; ++i) {
        block[i] = 0;
      }
      nbits += block_nbits(block.data(), b, w, b, quirks);
    }
  }
  return nbits;
}

}  // namespace ebpc::eval
