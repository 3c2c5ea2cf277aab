// ContainerReader (include/ebpc/stream.hpp): reads chunks on the calling thread, decodes
// them on the pool, hands them out in order. Part of the decoder-only library.
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <cerrno>
#include <cstring>
#include <new>

#include <ebpc/stream.hpp>

#include "common/endian.hpp"
#include "format/chunk_pool.hpp"
#include <ebpc/parallel.hpp>

namespace ebpc {

namespace detail {

Outcome<PoolShape> pool_shape(const ContainerHeader& h, const StreamOptions& options) {
  const std::uint64_t nchunks = h.nchunks();
  const std::uint64_t slot_nbytes = chunk_slot_nbytes(h);
  std::uint64_t allowed = UINT64_MAX;
  if (options.memory_budget_nbytes != 0) {
    allowed = options.memory_budget_nbytes / std::max<std::uint64_t>(slot_nbytes, 1);
    if (allowed == 0) {
      return tl::unexpected(Failure{
          Error::limit_exceeded, "a chunk needs " + std::to_string((slot_nbytes + (1 << 20) - 1) >> 20) +
                                     " MiB of buffers, above the memory budget of " +
                                     std::to_string(options.memory_budget_nbytes >> 20) + " MiB"});
    }
  }
  PoolShape s;
  if (nchunks <= 1 || allowed == 1) {
    return s;  // one slot, coded on the caller
  }
  const unsigned threads = options.threads == 0 ? default_thread_count() : options.threads;
  s.workers = static_cast<unsigned>(std::min<std::uint64_t>({threads, nchunks, allowed - 1}));
  s.nslots = static_cast<std::size_t>(std::min<std::uint64_t>({std::uint64_t{s.workers} + 2, allowed, nchunks}));
  return s;
}

}  // namespace detail

using detail::ChunkSlot;

std::uint64_t chunk_slot_nbytes(const ContainerHeader& h) noexcept {
  const std::uint64_t elems = std::uint64_t{h.chunk_nwords} * h.codec.elem_nbytes;
  return 2 * elems + chunk_bound_nbytes(h, h.chunk_nwords);
}

struct ContainerReader::Impl {
  ContainerHeader h;
  ByteSource source;
  StreamOptions options;
  std::vector<ChunkSlot> slots;
  std::unique_ptr<detail::ChunkPool> pool;
  unsigned workers = 0;
  // Shared with the I/O thread (under m): chunks [0, nread) are read and submitted;
  // slots of chunks below nreleased are free; reading stopped at chunk nread with
  // read_failure when read_failed.
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t nread = 0;
  std::uint64_t nreleased = 0;
  bool read_failed = false;
  Failure read_failure;
  bool stopping = false;
  std::thread io;
  bool io_started = false;
  // The caller's side.
  std::uint64_t nretired = 0;  // chunks [0, nretired) were handed out
  std::uint64_t chain = 0;     // version 3's trailer over the chunk headers read so far (in order)
  bool end_checked = false;
  std::optional<Failure> failed;
  StreamTotals totals;
  std::span<const std::uint8_t> view;  // read(): the rest of the current chunk

  ~Impl() { stop_io(); }

  Outcome<std::size_t> read_some(std::span<std::uint8_t> buf) {
    auto r = source(buf);
    if (!r) {
      return tl::unexpected(failure(r.error(), "read error"));
    }
    return *r;
  }

  // Reads chunk k's header and payload into slot. The payload buffer grows with the bytes
  // that arrive, so a header claiming a large payload costs nothing unless it is there.
  Outcome<void> read_chunk(ChunkSlot& slot, std::uint64_t k) {
    try {
      std::uint8_t ch_bytes[k_chunk_header_nbytes];
      auto got = read_some(ch_bytes);
      if (!got) {
        return tl::unexpected(got.error());
      }
      if (*got != sizeof ch_bytes) {
        return tl::unexpected(Failure{Error::truncated, "truncated input (ends inside a chunk header)"});
      }
      auto ch = parse_chunk_header(ch_bytes, h, h.chunk_nwords_at(k));
      if (!ch) {
        return tl::unexpected(failure(ch.error(), "chunk " + std::to_string(k) + ": bad chunk header"));
      }
      slot.index = k;
      slot.header = *ch;
      chain = trailer_step(chain, ch->checksum);
      const std::size_t want = ch->payload_nbytes;
      std::size_t have = 0;
      slot.in.clear();
      while (have < want) {
        const std::size_t step = std::min(want - have, std::max<std::size_t>(have, std::size_t{64} << 10));
        slot.in.resize(have + step);
        auto r = read_some(std::span<std::uint8_t>(slot.in).subspan(have, step));
        if (!r) {
          return tl::unexpected(r.error());
        }
        have += *r;
        if (*r != step) {
          return tl::unexpected(Failure{Error::truncated, "truncated input (ends inside a chunk)"});
        }
      }
    } catch (const std::bad_alloc&) {
      return tl::unexpected(failure(Error::limit_exceeded, "out of memory"));
    }
    return {};
  }

  void decode(ChunkSlot& slot) noexcept {
    try {
      slot.out.resize(static_cast<std::size_t>(h.chunk_nwords_at(slot.index) * h.codec.elem_nbytes));
      auto r = decode_chunk(slot.in, slot.header, h, slot.index, slot.out);
      slot.ok = r.has_value();
      slot.error = r ? Error::io : r.error();
    } catch (const std::bad_alloc&) {
      slot.ok = false;
      slot.error = Error::limit_exceeded;
    }
  }

  // The I/O thread: reads chunks ahead of the caller while slots are free.
  void read_ahead() {
    const std::uint64_t nchunks = h.nchunks();
    for (std::uint64_t k = 0; k < nchunks; ++k) {
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return stopping || k - nreleased < slots.size(); });
        if (stopping) {
          return;
        }
      }
      const std::size_t s = static_cast<std::size_t>(k % slots.size());
      auto r = read_chunk(slots[s], k);
      std::lock_guard lock(m);
      if (!r) {
        read_failed = true;
        read_failure = r.error();
        cv.notify_all();
        return;
      }
      pool->submit(s);
      nread = k + 1;
      cv.notify_all();
    }
  }

  void stop_io() {
    if (!io.joinable()) {
      return;
    }
    {
      std::lock_guard lock(m);
      stopping = true;
    }
    cv.notify_all();
    if (options.interrupt_source) {
      options.interrupt_source();
    }
    io.join();
  }

  Outcome<std::span<const std::uint8_t>> fail(Failure f) {
    failed = f;
    stop_io();
    pool.reset();
    return tl::unexpected(std::move(f));
  }

  Outcome<std::span<const std::uint8_t>> check_end() {
    if (!end_checked) {
      if (io.joinable()) {
        io.join();  // it has read the last chunk
      }
      if (h.trailer_nbytes() != 0) {
        std::uint8_t trailer[k_trailer_nbytes];
        auto t = read_some(trailer);
        if (!t) {
          return fail(t.error());
        }
        if (auto c = check_trailer(h, std::span<const std::uint8_t>(trailer, *t), chain); !c) {
          return fail(c.error());
        }
        totals.container_nbytes += k_trailer_nbytes;
      }
      std::uint8_t probe = 0;
      auto r = read_some(std::span<std::uint8_t>(&probe, 1));
      if (!r) {
        return fail(r.error());
      }
      if (*r != 0) {
        return fail(Failure{Error::corrupt, "trailing data after the last chunk"});
      }
      end_checked = true;
    }
    return std::span<const std::uint8_t>{};
  }

  Outcome<std::span<const std::uint8_t>> next() {
    if (failed) {
      return tl::unexpected(*failed);
    }
    if (detail::is_cancelled(options)) {
      return fail(failure(Error::cancelled));
    }
    if (nretired == h.nchunks()) {
      return check_end();
    }
    const std::size_t s = static_cast<std::size_t>(nretired % slots.size());
    if (workers == 0) {
      // One slot, coded here: read, then decode.
      if (auto r = read_chunk(slots[s], nretired); !r) {
        return fail(r.error());
      }
      pool->submit(s);
      nread = nretired + 1;
    } else {
      if (!io_started) {
        io_started = true;
        try {
          io = std::thread([this] { read_ahead(); });
        } catch (const std::system_error&) {
          return fail(failure(Error::limit_exceeded, "cannot start the reading thread"));
        }
      }
      std::unique_lock lock(m);
      nreleased = nretired;  // the chunk handed out last time is free again
      cv.notify_all();
      cv.wait(lock, [&] { return nread > nretired || read_failed; });
      if (nread <= nretired) {
        Failure f = read_failure;
        lock.unlock();
        return fail(std::move(f));
      }
    }
    pool->wait(s);
    ChunkSlot& slot = slots[s];
    if (!slot.ok) {
      return fail(failure(slot.error, "chunk " + std::to_string(nretired)));
    }
    ++nretired;
    ++totals.nchunks;
    totals.element_nbytes += slot.out.size();
    totals.payload_nbytes += slot.header.payload_nbytes;
    totals.container_nbytes += k_chunk_header_nbytes + slot.header.payload_nbytes;
    return std::span<const std::uint8_t>(slot.out);
  }
};

ContainerReader::ContainerReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContainerReader::~ContainerReader() {
  if (impl_) {
    impl_->stop_io();
    impl_->pool.reset();
  }
}

Outcome<std::unique_ptr<ContainerReader>> ContainerReader::open(ByteSource source, const StreamOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->source = std::move(source);
  impl->options = options;
  std::vector<std::uint8_t> head(32);
  auto got = impl->read_some(head);
  if (!got) {
    return tl::unexpected(got.error());
  }
  head.resize(*got);
  std::size_t header_nbytes = 0;
  auto h = parse_header(head, &header_nbytes);
  if (!h && h.error() == Error::truncated && *got == 32) {
    const std::size_t total = 32 + 8 * std::size_t{head[13]} + 4;
    head.resize(total);
    auto more = impl->read_some(std::span<std::uint8_t>(head).subspan(32));
    if (!more) {
      return tl::unexpected(more.error());
    }
    head.resize(32 + *more);
    h = parse_header(head, &header_nbytes);
  }
  if (!h) {
    if (h.error() == Error::corrupt && (head.size() < 4 || std::memcmp(head.data(), "EBPC", 4) != 0)) {
      return tl::unexpected(Failure{Error::corrupt, "not an .ebpc file"});
    }
    if (h.error() == Error::truncated) {
      return tl::unexpected(Failure{Error::truncated, "truncated .ebpc header"});
    }
    return tl::unexpected(failure(h.error(), "bad .ebpc header"));
  }
  if (h->nwords > options.max_output_nbytes / h->codec.elem_nbytes) {
    return tl::unexpected(failure(Error::limit_exceeded, "the array is larger than the output limit"));
  }
  impl->h = std::move(*h);
  impl->totals.container_nbytes = header_nbytes;
  impl->chain = trailer_start(impl->h);  // read_chunk steps it per chunk header
  auto shape = detail::pool_shape(impl->h, options);
  if (!shape) {
    return tl::unexpected(shape.error());
  }
  impl->slots.resize(shape->nslots);
  impl->workers = shape->workers;
  Impl* self = impl.get();
  impl->pool = std::make_unique<detail::ChunkPool>(impl->slots, [self](ChunkSlot& s) { self->decode(s); });
  if (auto r = impl->pool->start(shape->workers); !r) {
    return tl::unexpected(r.error());
  }
  return std::unique_ptr<ContainerReader>(new ContainerReader(std::move(impl)));
}

const ContainerHeader& ContainerReader::header() const noexcept { return impl_->h; }
const StreamTotals& ContainerReader::totals() const noexcept { return impl_->totals; }

Outcome<std::span<const std::uint8_t>> ContainerReader::next_chunk() {
  impl_->view = {};
  return impl_->next();
}

Outcome<std::size_t> ContainerReader::read(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (impl_->view.empty()) {
      auto c = impl_->next();
      if (!c) {
        return tl::unexpected(c.error());
      }
      if (c->empty()) {
        break;
      }
      impl_->view = *c;
    }
    const std::size_t n = std::min(out.size() - done, impl_->view.size());
    std::memcpy(out.data() + done, impl_->view.data(), n);
    impl_->view = impl_->view.subspan(n);
    done += n;
  }
  return done;
}

Outcome<void> ContainerReader::scan() {
  Impl& r = *impl_;
  if (r.failed) {
    return tl::unexpected(*r.failed);
  }
  if (r.io_started) {
    return tl::unexpected(failure(Error::bad_parameter, "scan() after next_chunk()"));
  }
  for (; r.nretired < r.h.nchunks(); ++r.nretired) {
    if (auto c = r.read_chunk(r.slots[0], r.nretired); !c) {
      return tl::unexpected(r.fail(c.error()).error());
    }
    ++r.totals.nchunks;
    r.totals.payload_nbytes += r.slots[0].header.payload_nbytes;
    r.totals.container_nbytes += k_chunk_header_nbytes + r.slots[0].header.payload_nbytes;
  }
  if (auto end = r.check_end(); !end) {
    return tl::unexpected(end.error());
  }
  return {};
}

Outcome<void> ContainerReader::read_all(std::span<std::uint8_t> out) {
  if (out.size() != impl_->h.nwords * impl_->h.codec.elem_nbytes) {
    return tl::unexpected(failure(Error::output_too_small, "read_all: the output is not the array's size"));
  }
  auto n = read(out);
  if (!n) {
    return tl::unexpected(n.error());
  }
  // The end: checks that nothing follows the last chunk.
  auto end = impl_->next();
  if (!end) {
    return tl::unexpected(end.error());
  }
  return {};
}

ByteSource memory_source(std::span<const std::uint8_t> bytes) {
  auto pos = std::make_shared<std::size_t>(0);
  return [bytes, pos](std::span<std::uint8_t> buf) -> Result<std::size_t> {
    const std::size_t n = std::min(buf.size(), bytes.size() - *pos);
    std::memcpy(buf.data(), bytes.data() + *pos, n);
    *pos += n;
    return n;
  };
}

ByteSink vector_sink(std::vector<std::uint8_t>& out) {
  return [&out](std::span<const std::uint8_t> bytes) -> Result<void> {
    out.insert(out.end(), bytes.begin(), bytes.end());
    return {};
  };
}

ByteSource fd_source(int fd) {
  return [fd](std::span<std::uint8_t> buf) -> Result<std::size_t> {
    std::size_t got = 0;
    while (got < buf.size()) {
      const ssize_t r = ::read(fd, buf.data() + got, buf.size() - got);
      if (r < 0) {
        if (errno == EINTR) {
          continue;
        }
        return tl::unexpected(Error::io);
      }
      if (r == 0) {
        break;
      }
      got += static_cast<std::size_t>(r);
    }
    return got;
  };
}

ByteSink fd_sink(int fd) {
  return [fd](std::span<const std::uint8_t> bytes) -> Result<void> {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t r = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (r < 0) {
        if (errno == EINTR) {
          continue;
        }
        return tl::unexpected(Error::io);
      }
      done += static_cast<std::size_t>(r);
    }
    return {};
  };
}

}  // namespace ebpc
