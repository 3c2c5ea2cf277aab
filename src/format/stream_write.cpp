// ContainerWriter (include/ebpc/stream.hpp): the caller fills chunk slots (write, or
// write_from reading straight into them), the pool encodes them, the caller writes them to
// the sink in order.
#include <algorithm>
#include <cstring>
#include <new>

#include <ebpc/stream.hpp>

#include "common/endian.hpp"
#include "format/chunk_pool.hpp"

namespace ebpc {

using detail::ChunkSlot;

struct ContainerWriter::Impl {
  ContainerHeader h;
  ByteSink sink;
  StreamOptions options;
  std::vector<ChunkSlot> slots;
  std::unique_ptr<detail::ChunkPool> pool;
  std::uint64_t nfilled = 0;     // chunks [0, nfilled) are complete and submitted
  std::size_t fill_nbytes = 0;   // bytes in chunk nfilled's slot so far
  std::uint64_t nretired = 0;    // chunks [0, nretired) are written to the sink
  std::optional<Failure> failed;
  StreamTotals totals;
  std::uint64_t chain = 0;       // version 3's trailer over chunks [0, nretired)
  bool finished = false;         // the trailer is written

  std::size_t chunk_nbytes(std::uint64_t k) const {
    return static_cast<std::size_t>(h.chunk_nwords_at(k) * h.codec.elem_nbytes);
  }
  ChunkSlot& slot_of(std::uint64_t k) { return slots[static_cast<std::size_t>(k % slots.size())]; }

  void encode(ChunkSlot& slot) noexcept {
    try {
      slot.out.clear();
      auto r = encode_chunk(slot.in, h, slot.index, slot.scratch, slot.out);
      slot.ok = r.has_value();
      slot.error = r ? Error::io : r.error();
    } catch (const std::bad_alloc&) {
      slot.ok = false;
      slot.error = Error::limit_exceeded;
    }
  }

  Outcome<void> fail(Failure f) {
    failed = f;
    pool.reset();
    return tl::unexpected(std::move(f));
  }

  // Waits for the oldest chunk in flight and writes it.
  Outcome<void> retire() {
    const std::uint64_t k = nretired;
    ChunkSlot& slot = slot_of(k);
    pool->wait(static_cast<std::size_t>(k % slots.size()));
    if (!slot.ok) {
      if (slot.error == Error::bad_parameter) {
        return fail(unfit_value_failure(slot.in, h.dtype, h.codec.word_nbits, k * h.chunk_nwords));
      }
      return fail(failure(slot.error, "chunk " + std::to_string(k) + ": cannot compress"));
    }
    if (auto r = sink(slot.out); !r) {
      return fail(failure(r.error(), "write error"));
    }
    chain = trailer_step(chain, load_le<std::uint64_t>(slot.out.data() + 8));
    totals.container_nbytes += slot.out.size();
    totals.payload_nbytes += slot.out.size() - k_chunk_header_nbytes;
    totals.element_nbytes += slot.in.size();
    ++totals.nchunks;
    ++nretired;
    return {};
  }

  // The slot for chunk nfilled, ready to be filled (retiring the oldest chunk if needed).
  Outcome<ChunkSlot*> fill_slot() {
    if (detail::is_cancelled(options)) {
      return tl::unexpected(fail(failure(Error::cancelled)).error());
    }
    if (fill_nbytes == 0) {
      while (nfilled - nretired >= slots.size()) {
        if (auto r = retire(); !r) {
          return tl::unexpected(r.error());
        }
      }
      ChunkSlot& s = slot_of(nfilled);
      s.index = nfilled;
      // (A ByteBuffer: resize() writes nothing; the caller fills every byte.)
      s.in.resize(chunk_nbytes(nfilled));
    }
    return &slot_of(nfilled);
  }

  void submit_filled() {
    pool->submit(static_cast<std::size_t>(nfilled % slots.size()));
    ++nfilled;
    fill_nbytes = 0;
  }

  Outcome<void> drain() {
    while (nretired < nfilled) {
      if (auto r = retire(); !r) {
        return r;
      }
    }
    return {};
  }
};

ContainerWriter::ContainerWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContainerWriter::~ContainerWriter() {
  if (impl_ && impl_->pool) {
    impl_->pool->stop();
  }
}

Outcome<std::unique_ptr<ContainerWriter>> ContainerWriter::create(const ContainerHeader& header, ByteSink sink,
                                                                  const StreamOptions& options) {
  if (auto v = validate(header); !v) {
    return tl::unexpected(failure(v.error(), "invalid container header"));
  }
  auto impl = std::make_unique<Impl>();
  impl->h = header;
  impl->sink = std::move(sink);
  impl->options = options;
  auto shape = detail::pool_shape(header, options);
  if (!shape) {
    return tl::unexpected(shape.error());
  }
  impl->slots.resize(shape->nslots);
  Impl* self = impl.get();
  impl->pool = std::make_unique<detail::ChunkPool>(impl->slots, [self](ChunkSlot& s) { self->encode(s); });
  if (auto r = impl->pool->start(shape->workers); !r) {
    return tl::unexpected(r.error());
  }
  const std::vector<std::uint8_t> bytes = serialize_header(header);
  if (auto r = impl->sink(bytes); !r) {
    return tl::unexpected(failure(r.error(), "write error"));
  }
  impl->totals.container_nbytes = bytes.size();
  impl->chain = trailer_start(header);
  return std::unique_ptr<ContainerWriter>(new ContainerWriter(std::move(impl)));
}

const ContainerHeader& ContainerWriter::header() const noexcept { return impl_->h; }
const StreamTotals& ContainerWriter::totals() const noexcept { return impl_->totals; }

Outcome<void> ContainerWriter::write(std::span<const std::uint8_t> elems) {
  Impl& w = *impl_;
  if (w.failed) {
    return tl::unexpected(*w.failed);
  }
  while (!elems.empty()) {
    if (w.nfilled == w.h.nchunks()) {
      return w.fail(Failure{Error::bad_parameter, "more data than the array's shape holds"});
    }
    auto slot = w.fill_slot();
    if (!slot) {
      return tl::unexpected(slot.error());
    }
    const std::size_t n = std::min(elems.size(), (*slot)->in.size() - w.fill_nbytes);
    std::memcpy((*slot)->in.data() + w.fill_nbytes, elems.data(), n);
    w.fill_nbytes += n;
    elems = elems.subspan(n);
    if (w.fill_nbytes == (*slot)->in.size()) {
      w.submit_filled();
    }
  }
  return {};
}

Outcome<void> ContainerWriter::write_from(const ByteSource& source) {
  Impl& w = *impl_;
  if (w.failed) {
    return tl::unexpected(*w.failed);
  }
  while (w.nfilled < w.h.nchunks()) {
    auto slot = w.fill_slot();
    if (!slot) {
      return tl::unexpected(slot.error());
    }
    std::span<std::uint8_t> rest = std::span<std::uint8_t>((*slot)->in).subspan(w.fill_nbytes);
    auto got = source(rest);
    if (!got || *got != rest.size()) {
      // The chunks before this one report their own errors first (chunk order).
      if (auto r = w.drain(); !r) {
        return r;
      }
      return w.fail(got ? Failure{Error::truncated, "truncated input (ends inside the array data)"}
                        : failure(got.error(), "read error"));
    }
    w.fill_nbytes += rest.size();
    w.submit_filled();
  }
  return {};
}

Outcome<void> ContainerWriter::finish() {
  Impl& w = *impl_;
  if (w.failed) {
    return tl::unexpected(*w.failed);
  }
  if (w.nfilled != w.h.nchunks()) {
    if (auto r = w.drain(); !r) {
      return r;
    }
    return w.fail(Failure{Error::bad_parameter, "less data than the array's shape holds"});
  }
  if (auto r = w.drain(); !r) {
    return r;
  }
  if (!w.finished && w.h.trailer_nbytes() != 0) {
    std::uint8_t trailer[k_trailer_nbytes];
    store_le<std::uint64_t>(trailer, w.chain);
    if (auto r = w.sink(trailer); !r) {
      return w.fail(failure(r.error(), "write error"));
    }
    w.totals.container_nbytes += k_trailer_nbytes;
  }
  w.finished = true;
  w.pool->stop();
  return {};
}

}  // namespace ebpc
