// Streaming .ebpc files: ContainerWriter codes elements into a container chunk by chunk,
// ContainerReader decodes one chunk by chunk, both with a pool of coding threads, over
// caller-supplied byte callbacks (a file, a pipe, a socket, memory).
//
// Guarantees, for any thread count:
// - the bytes written are identical (each chunk is coded exactly as by the serial code);
// - chunks come out in order, and errors are reported in chunk order: a call reports the
//   error of the first chunk that failed, after every chunk before it was handled, with a
//   message naming the chunk;
// - memory is bounded by the chunk size: at most (threads + 2) chunk slots, each holding a
//   chunk's elements, its encoded payload and a scratch buffer, whatever the file size. The
//   reader sizes a payload buffer by the bytes that actually arrive, never by the size a
//   header claims, so a lying header costs no memory;
// - the writer calls its sink and reads write_from's source on the calling thread; the
//   reader with threads calls its source on one thread of its own (one call at a time),
//   so that a corrupt chunk is reported as soon as it is decoded, even while the next
//   read waits on a stalled pipe (see StreamOptions::interrupt_source).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <ebpc/container.hpp>
#include <ebpc/ebpc.hpp>

namespace ebpc {

// Writes all of bytes, or fails (Error::io or any error the callback chooses).
using ByteSink = std::function<Result<void>(std::span<const std::uint8_t> bytes)>;
// Reads up to buf.size() bytes and returns how many. Fewer than asked, including 0, means
// the end of the input (a callback over a pipe loops until it has buf.size() or the end).
using ByteSource = std::function<Result<std::size_t>(std::span<std::uint8_t> buf)>;

struct StreamOptions {
  // Coding threads; 0 = one per core. A container of one chunk is coded on the calling
  // thread. The bytes written are the same for any count.
  unsigned threads = 1;
  // Polled between chunks: once true, calls fail with Error::cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Upper bound on the chunk buffers (0 = none): fewer slots, and so fewer threads, are used
  // when the bound asks for it; limit_exceeded when even one chunk does not fit.
  std::uint64_t memory_budget_nbytes = 0;
  // Reader: the decoded array may not exceed this many bytes (limit_exceeded).
  std::uint64_t max_output_nbytes = UINT64_MAX;
  // Reader with threads: the source is read on a thread of the reader's, ahead of the
  // caller. When the reader stops early (an error, or destruction before the end) it calls
  // this to wake a read blocked in the source (a pipe that stalls), then joins the thread:
  // without it, a blocked read delays the error until the source returns.
  std::function<void()> interrupt_source;
};

// Bytes of memory one chunk slot of this container takes (elements + worst-case payload
// + scratch): StreamOptions::memory_budget_nbytes is counted in these.
std::uint64_t chunk_slot_nbytes(const ContainerHeader& header) noexcept;

// What a stream has moved so far.
struct StreamTotals {
  std::uint64_t element_nbytes = 0;     // decoded element bytes
  std::uint64_t container_nbytes = 0;   // container bytes (header, chunk headers, payloads)
  std::uint64_t payload_nbytes = 0;     // payload bytes alone
  std::uint64_t nchunks = 0;
};

class ContainerWriter {
 public:
  // Checks the header (bad_parameter) and writes it to sink at once.
  static Outcome<std::unique_ptr<ContainerWriter>> create(const ContainerHeader& header, ByteSink sink,
                                                          const StreamOptions& options = {});
  ContainerWriter(const ContainerWriter&) = delete;
  ContainerWriter& operator=(const ContainerWriter&) = delete;
  // Stops the threads. A writer destroyed before finish() has written an incomplete
  // container: the caller discards it.
  ~ContainerWriter();

  // Appends element bytes (any amount, in order; elements may straddle calls). A value that
  // does not fit the header's word width fails with bad_parameter and a message naming its
  // flat index; writing past the header's element count fails with bad_parameter.
  Outcome<void> write(std::span<const std::uint8_t> elems);
  // Reads the rest of the array from source straight into the chunk buffers (no copy), and
  // fails with truncated when the source ends first ("truncated input (ends inside the
  // array data)"). Does not finish().
  Outcome<void> write_from(const ByteSource& source);
  // Codes and writes what is pending. bad_parameter when fewer elements than the header
  // announces were written. After an error the writer is unusable.
  Outcome<void> finish();

  const ContainerHeader& header() const noexcept;
  const StreamTotals& totals() const noexcept;

  struct Impl;

 private:
  explicit ContainerWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class ContainerReader {
 public:
  // Reads and checks the container header: corrupt with "not an .ebpc file" for other data,
  // truncated, unsupported_version, limit_exceeded (chunk size, or max_output_nbytes).
  static Outcome<std::unique_ptr<ContainerReader>> open(ByteSource source, const StreamOptions& options = {});
  ContainerReader(const ContainerReader&) = delete;
  ContainerReader& operator=(const ContainerReader&) = delete;
  ~ContainerReader();

  const ContainerHeader& header() const noexcept;
  // The next chunk's decoded element bytes, valid until the next call; an empty span after
  // the last chunk, once the source is checked to have nothing after it (corrupt:
  // "trailing data after the last chunk"). Errors name the chunk ("chunk 7: checksum
  // mismatch"); after an error the reader is unusable.
  Outcome<std::span<const std::uint8_t>> next_chunk();
  // Copies up to out.size() decoded element bytes into out; 0 at the end (as next_chunk).
  Outcome<std::size_t> read(std::span<std::uint8_t> out);
  // Reads the whole array into out (exactly header().nwords * elem_nbytes bytes).
  Outcome<void> read_all(std::span<std::uint8_t> out);

  // Reads the remaining chunks' headers and payloads without decoding them (no checksum
  // is checked) and checks that nothing follows: for sizes (totals()) at the cost of I/O.
  // Do not mix with next_chunk().
  Outcome<void> scan();

  const StreamTotals& totals() const noexcept;

  struct Impl;

 private:
  explicit ContainerReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Sources and sinks over memory and file descriptors.
ByteSource memory_source(std::span<const std::uint8_t> bytes);  // the span must outlive the source
ByteSink vector_sink(std::vector<std::uint8_t>& out);           // appends
ByteSource fd_source(int fd);                                    // retries EINTR and short reads
ByteSink fd_sink(int fd);

}  // namespace ebpc
