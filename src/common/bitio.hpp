// Bit I/O in the streams' bit order (docs/stream-format.md "Bit order and padding"): streams
// are MSB-first (the first bit of a stream is the most significant bit of its first
// byte/word). 64-bit bit buffers; hot loops keep a BitWriter/BitReader in a local.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ebpc {

inline std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

// Writes bits MSB-first. The caller guarantees capacity: the output holds at least
// the bits written, rounded up to 4 bytes, plus 4 bytes (the *_bound_nbytes functions
// include that slack).
class BitWriter {
 public:
  explicit BitWriter(std::span<std::uint8_t> out) noexcept : out_(out.data()), cap_nbytes_(out.size()) {}

  // Appends the low nbits (0..32) of value; bits above nbits must be zero.
  void put(std::uint32_t value, unsigned nbits) noexcept {
    assert(nbits <= 32);
    assert(nbits == 32 || (value >> nbits) == 0);
    acc_ = (acc_ << nbits) | value;
    acc_nbits_ += nbits;
    if (acc_nbits_ >= 32) {
      acc_nbits_ -= 32;
      assert(pos_ + 4 <= cap_nbytes_);
      store_be32(out_ + pos_, static_cast<std::uint32_t>(acc_ >> acc_nbits_));
      pos_ += 4;
    }
  }

  void put_bit(bool b) noexcept { put(b ? 1u : 0u, 1); }

  std::uint64_t nbits() const noexcept { return std::uint64_t{pos_} * 8 + acc_nbits_; }

  // Pads with 0 bits to a multiple of pad_nbits, flushes, returns the bytes written
  // (ceil(padded bits / 8)).
  std::size_t finish(unsigned pad_nbits) noexcept {
    const std::uint64_t n = nbits();
    std::uint64_t padded = (n + pad_nbits - 1) / pad_nbits * pad_nbits;
    std::uint64_t extra = padded - n;
    while (extra > 0) {
      const unsigned k = extra > 32 ? 32u : static_cast<unsigned>(extra);
      put(0, k);
      extra -= k;
    }
    // Flush the remaining whole and partial bytes.
    while (acc_nbits_ > 0) {
      const unsigned k = acc_nbits_ >= 8 ? 8u : acc_nbits_;
      const auto byte = static_cast<std::uint8_t>(((acc_ >> (acc_nbits_ - k)) & ((1u << k) - 1)) << (8 - k));
      assert(pos_ < cap_nbytes_);
      out_[pos_++] = byte;
      acc_nbits_ -= k;
    }
    return pos_;
  }

 private:
  std::uint8_t* out_;
  std::size_t cap_nbytes_;
  std::size_t pos_ = 0;
  std::uint64_t acc_ = 0;
  unsigned acc_nbits_ = 0;
};

// Writes bits MSB-first for the hot loops: add() appends without any check or branch,
// flush() stores the pending bits with one unaligned 8-byte store and keeps fewer than 8.
// Between two flushes at most 56 bits may be added. Every store writes the pending bits
// followed by zero bits, so the stream is always clean up to 8 bytes past nbits().
// The caller guarantees capacity: the bits written, rounded up to bytes, plus 8 bytes
// (the *_bound_nbytes functions include 16 bytes of slack).
class WideBitWriter {
 public:
  explicit WideBitWriter(std::span<std::uint8_t> out) noexcept : out_(out.data()), cap_nbytes_(out.size()) {}

  // Appends the low nbits (0..56) of value; bits above nbits must be zero.
  void add(std::uint64_t value, unsigned nbits) noexcept {
    assert(nbits <= 56 && acc_nbits_ + nbits <= 63);
    assert(nbits == 0 ? value == 0 : (value >> nbits) == 0);
    acc_ = (acc_ << nbits) | value;
    acc_nbits_ += nbits;
  }

  void flush() noexcept {
    assert(pos_ + 8 <= cap_nbytes_);
    std::uint64_t v = __builtin_bswap64((acc_ << (63 - acc_nbits_)) << 1);  // pending bits at the top
    std::memcpy(out_ + pos_, &v, 8);
    pos_ += acc_nbits_ >> 3;
    acc_nbits_ &= 7;
  }

  std::uint64_t nbits() const noexcept { return std::uint64_t{pos_} * 8 + acc_nbits_; }

  // Pads with 0 bits to a multiple of pad_nbits (1..64), returns the bytes written.
  std::size_t finish(unsigned pad_nbits) noexcept {
    flush();
    const std::uint64_t n = nbits();
    std::uint64_t extra = (n + pad_nbits - 1) / pad_nbits * pad_nbits - n;
    while (extra > 0) {
      const unsigned k = extra > 32 ? 32u : static_cast<unsigned>(extra);
      add(0, k);
      flush();
      extra -= k;
    }
    return pos_ + (acc_nbits_ != 0 ? 1 : 0);  // the last flush stored the partial byte
  }

 private:
  std::uint8_t* out_;
  [[maybe_unused]] std::size_t cap_nbytes_;
  std::size_t pos_ = 0;
  std::uint64_t acc_ = 0;
  unsigned acc_nbits_ = 0;
};

// Reads bits MSB-first. Past the end of the input it shifts in zeros and counts them:
// overrun() tells whether the stream claimed more bits than exist. Callers check
// overrun() at least once per bounded amount of work.
class BitReader {
 public:
  explicit BitReader(std::span<const std::uint8_t> in) noexcept
      : begin_(in.data()), p_(in.data()), end_(in.data() + in.size()), total_nbits_(std::uint64_t{in.size()} * 8) {}

  // Returns the next nbits (0..32) bits.
  std::uint32_t get(unsigned nbits) noexcept {
    assert(nbits <= 32);
    if (nbits == 0) {
      return 0;
    }
    if (buf_nbits_ < nbits) {
      refill();
    }
    const auto v = static_cast<std::uint32_t>(buf_ >> (64 - nbits));
    buf_ <<= nbits;
    buf_nbits_ -= nbits;
    return v;
  }

  bool get_bit() noexcept { return get(1) != 0; }

  // The next nbits (1..32) without consuming them.
  std::uint32_t peek(unsigned nbits) noexcept {
    if (buf_nbits_ < nbits) {
      refill();
    }
    return static_cast<std::uint32_t>(buf_ >> (64 - nbits));
  }

  // The buffered bits, top-aligned, at least min_nbits (1..56) of them; the bits after
  // the buffered ones are 0 (and so are the bits past the end of the input). Consume
  // them with skip().
  std::uint64_t window(unsigned min_nbits) noexcept {
    if (buf_nbits_ < min_nbits) {
      refill();
    }
    return buf_;
  }

  void skip(unsigned nbits) noexcept {
    buf_ <<= nbits;
    buf_nbits_ -= nbits;
  }

  // Bits taken from the buffer so far (the bytes loaded, zeros past the end included, less
  // the bits still buffered): no counter in the hot path.
  std::uint64_t consumed_nbits() const noexcept {
    return (static_cast<std::uint64_t>(p_ - begin_) + phantom_nbytes_) * 8 - buf_nbits_;
  }
  bool overrun() const noexcept { return consumed_nbits() > total_nbits_; }

 private:
  // Tops the buffer up to at least 56 bits (zeros past the end of the input). The common
  // case is inline and the tail is a function of values, so that a reader in a local of a
  // hot loop never has its address taken and stays in registers.
  [[gnu::always_inline]] void refill() noexcept {
    if (end_ - p_ >= 8) [[likely]] {
      const std::uint64_t v = load_be64(p_);
      buf_ |= v >> buf_nbits_;
      const unsigned take = (63 - buf_nbits_) >> 3;  // whole bytes that fit
      p_ += take;
      buf_nbits_ += take * 8;
      // Bits of v below the taken bytes were ORed in too; clear them (64 - buf_nbits_ is 1..8).
      buf_ &= ~std::uint64_t{0} << (64 - buf_nbits_);
      return;
    }
    const Tail t = refill_tail(buf_, buf_nbits_, p_, end_);
    buf_ = t.buf;
    buf_nbits_ = t.buf_nbits;
    phantom_nbytes_ += t.phantom_nbytes;
    p_ = t.p;
  }

  struct Tail {
    std::uint64_t buf;
    unsigned buf_nbits;
    const std::uint8_t* p;
    unsigned phantom_nbytes;  // zero bytes taken past the end
  };
  [[gnu::noinline]] static Tail refill_tail(std::uint64_t buf, unsigned buf_nbits, const std::uint8_t* p,
                                            const std::uint8_t* end) noexcept {
    unsigned phantom = 0;
    while (buf_nbits <= 56) {
      std::uint64_t byte = 0;
      if (p < end) {
        byte = *p++;
      } else {
        ++phantom;
      }
      buf |= byte << (56 - buf_nbits);
      buf_nbits += 8;
    }
    return {buf, buf_nbits, p, phantom};
  }

  const std::uint8_t* begin_;
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  std::uint64_t total_nbits_;
  std::uint64_t buf_ = 0;
  unsigned buf_nbits_ = 0;
  std::uint64_t phantom_nbytes_ = 0;  // zero bytes taken past the end
};

}  // namespace ebpc
