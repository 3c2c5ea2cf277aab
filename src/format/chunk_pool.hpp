// The thread pool behind ContainerWriter and ContainerReader: the calling thread fills
// chunk slots and submits them; worker threads code them; the caller waits for each slot
// in the order it submitted them. No I/O happens on a worker.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>

namespace ebpc::detail {

// One chunk in flight. Its buffers keep their capacity from one chunk to the next, so
// nothing is allocated after the first round through the ring.
struct ChunkSlot {
  std::uint64_t index = 0;            // the chunk this slot holds
  // (ByteBuffer: each is written over before it is read, so growing it fills nothing.)
  ByteBuffer in;       // writer: the chunk's elements; reader: its payload
  ByteBuffer scratch;  // encode_chunk's word buffer
  ByteBuffer out;      // writer: chunk header + payload; reader: elements
  ChunkHeader header;                 // reader: the chunk's header
  Error error = Error::io;            // valid when !ok
  bool ok = true;
};

class ChunkPool {
 public:
  // code(slot) codes one slot; it must not throw (the callers catch allocation failures).
  ChunkPool(std::vector<ChunkSlot>& slots, std::function<void(ChunkSlot&)> code) : slots_(slots), code_(std::move(code)) {}
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;
  ~ChunkPool() { stop(); }

  // Starts `workers` threads (0: submit() codes on the calling thread).
  Outcome<void> start(unsigned workers) {
    done_.assign(slots_.size(), 1);
    try {
      threads_.reserve(workers);
      for (unsigned i = 0; i < workers; ++i) {
        threads_.emplace_back([this] { run(); });
      }
    } catch (const std::system_error&) {
      stop();
      return tl::unexpected(failure(Error::limit_exceeded, "cannot start " + std::to_string(workers) + " coding threads"));
    }
    return {};
  }

  void submit(std::size_t slot) {
    if (threads_.empty()) {
      code_(slots_[slot]);
      return;
    }
    std::lock_guard lock(m_);
    done_[slot] = 0;
    queue_.push_back(slot);
    work_cv_.notify_one();
  }

  void wait(std::size_t slot) {
    if (threads_.empty()) {
      return;
    }
    std::unique_lock lock(m_);
    done_cv_.wait(lock, [&] { return done_[slot] != 0; });
  }

  // Finishes the jobs being coded, drops the queued ones, joins every thread.
  void stop() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
      queue_.clear();
    }
    work_cv_.notify_all();
    for (auto& t : threads_) {
      t.join();
    }
    threads_.clear();
  }

 private:
  void run() {
    std::unique_lock lock(m_);
    while (true) {
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      const std::size_t slot = queue_.front();
      queue_.pop_front();
      lock.unlock();
      code_(slots_[slot]);
      lock.lock();
      done_[slot] = 1;
      done_cv_.notify_all();
    }
  }

  std::vector<ChunkSlot>& slots_;
  std::function<void(ChunkSlot&)> code_;
  std::vector<std::thread> threads_;
  std::mutex m_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<std::size_t> queue_;
  std::vector<char> done_;
  bool stopping_ = false;
};

// How many slots and workers a stream uses: at most threads + 2 slots, fewer when the
// memory budget asks for it, one slot coded on the caller for a single chunk.
struct PoolShape {
  unsigned workers = 0;
  std::size_t nslots = 1;
};
Outcome<PoolShape> pool_shape(const ContainerHeader& h, const StreamOptions& options);

inline bool is_cancelled(const StreamOptions& o) noexcept {
  return o.cancel != nullptr && o.cancel->load(std::memory_order_relaxed);
}

}  // namespace ebpc::detail
