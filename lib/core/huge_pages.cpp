#include "core/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace sluice {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

void prefer_huge_pages(void* data, std::size_t bytes) {
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  // Only whole huge pages: advising a partial one would mark the neighbouring allocations' memory too.
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

void* allocate_huge_pages(std::size_t& bytes) {
  if (bytes < kHugePageMinBytes) return ::operator new(bytes);
  bytes = (bytes + kHugePage - 1) & ~(kHugePage - 1);
  void* data = ::operator new (bytes, std::align_val_t{kHugePage});
  ::madvise(data, bytes, MADV_HUGEPAGE);
  return data;
}

// The size decides how the memory was allocated: a rounded size is still at least kHugePageMinBytes.
void free_huge_pages(void* data, std::size_t bytes) noexcept {
  if (data == nullptr) return;
  if (bytes < kHugePageMinBytes)
    ::operator delete(data);
  else
    ::operator delete (data, std::align_val_t{kHugePage});
}

}  // namespace sluice
