// A minimal parallel for: runs f(i) for i in [0, n) on up to nthreads threads (the
// calling thread is one of them). Work is handed out one index at a time. When threads
// cannot be started, fewer do the work (it never throws for that).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ebpc {

inline unsigned default_thread_count() noexcept {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

template <class F>
void parallel_for(std::size_t n, unsigned nthreads, F&& f) {
  const std::size_t workers = std::min<std::size_t>(nthreads == 0 ? 1 : nthreads, n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      f(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      f(i);
    }
  };
  std::vector<std::thread> pool;
  try {
    pool.reserve(workers - 1);
    for (std::size_t t = 1; t < workers; ++t) {
      pool.emplace_back(run);
    }
  } catch (const std::exception&) {
    // No more threads (or no memory for them): those started and this one do the work.
  }
  run();
  for (auto& t : pool) {
    t.join();
  }
}

}  // namespace ebpc
