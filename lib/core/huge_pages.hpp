#pragma once
// Big buffers backed by 2 MiB pages where the kernel allows it. A fresh multi-megabyte buffer otherwise costs a
// page fault per 4 KiB the first time it is written, ~11 us each on this project's hypervisor
// (scripts/bench/page_fault_cost.py); on a 10-file run nearly every buffer is fresh. With transparent huge pages
// in "madvise" mode (Debian's default) memory must ask for them; in "always" mode this changes nothing, in "never"
// mode the kernel ignores the advice and the memory works the same.
//
// Advice on part of a buffer (prefer_huge_pages) helps only its whole 2 MiB pages, and a buffer written from its
// start fills the ragged first one in 4 KiB pages: up to 2 MiB, all of a folder file's ~1 MB of blocks. The
// buffers a file is parsed into (its COPY rows or blocks, the blocks builder's readings) therefore start on a huge
// page boundary and span whole huge pages (allocate_huge_pages): the example folder's run faults ~3,400 times
// instead of ~6,300. Only those: a huge page is resident once any byte of it is written, and one-off buffers sized
// by a bound they seldom reach (a unit's aggregate contributions) raised 100,000 small files' peak RSS by ~12%.
#include <cstddef>
#include <memory>
#include <new>

namespace sluice {

/// Buffers from this size on are allocated in whole huge pages; smaller ones as usual (rounding a 64 KiB buffer
/// up to 2 MiB would cost more memory than its faults cost time).
inline constexpr std::size_t kHugePageMinBytes = std::size_t{1} << 20;

/// Advises the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge pages; smaller
/// buffers, and any error, are left as they are (this is advice: the memory works the same either way).
void prefer_huge_pages(void* data, std::size_t bytes);

/// At least `bytes` of memory (from kHugePageMinBytes on, `bytes` is rounded up to whole huge pages, and the
/// memory starts on one and is advised to be backed by them). Freed by free_huge_pages with the rounded size.
void* allocate_huge_pages(std::size_t& bytes);
void free_huge_pages(void* data, std::size_t bytes) noexcept;

/// A standard allocator over allocate_huge_pages, for a vector that grows to megabytes.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding
  T* allocate(std::size_t n) {
    std::size_t bytes = n * sizeof(T);
    return static_cast<T*>(allocate_huge_pages(bytes));
  }
  void deallocate(T* data, std::size_t n) noexcept { free_huge_pages(data, n * sizeof(T)); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

/// A unique_ptr deleter for either kind of buffer: what allocate_huge_pages handed out (`bytes`, the rounded
/// size) or, with `bytes` 0, what new[] did.
struct HugePageFree {
  std::size_t bytes = 0;
  void operator()(char* data) const noexcept {
    if (bytes == 0)
      delete[] data;
    else
      free_huge_pages(data, bytes);
  }
};
using HugePageBytes = std::unique_ptr<char[], HugePageFree>;

}  // namespace sluice
