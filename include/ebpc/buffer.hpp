// ebpc: ByteBuffer, the byte vector of the library's output buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace ebpc {

// A byte vector whose resize() leaves the new bytes uninitialised: for buffers that are
// written over before they are read (a chunk's coded bytes, decoded elements), so that
// growing them costs no zero-filling pass over the data.
template <class T>
struct UninitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() noexcept = default;
  template <class U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialised: no value written
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using ByteBuffer = std::vector<std::uint8_t, UninitAllocator<std::uint8_t>>;

}  // namespace ebpc
