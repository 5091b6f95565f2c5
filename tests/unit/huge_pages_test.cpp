// prefer_huge_pages (lib/core/huge_pages.hpp): the whole 2 MiB pages inside a buffer are marked for huge pages
// (the kernel shows it as "hg" among a mapping's VmFlags), and nothing outside the buffer is. allocate_huge_pages
// and HugePageAllocator: a large buffer starts on a huge page, spans whole ones and is marked from its first byte.
#include <doctest/doctest.h>
#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/huge_pages.hpp"

namespace {

constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;

// The first 2 MiB boundary at or after `address`.
std::uintptr_t huge_boundary_from(const void* address) {
  return (reinterpret_cast<std::uintptr_t>(address) + kHuge - 1) & ~(kHuge - 1);
}

// Whether the mapping that holds `address` has VM_HUGEPAGE ("hg" in its VmFlags in /proc/self/smaps).
bool marked_huge(std::uintptr_t address) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= address && address < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line.find(" hg") != std::string::npos;
  }
  return false;
}

// Whether this kernel marks memory for huge pages at all, asked of a mapping of its own with madvise itself: the
// test below then cannot pass by skipping when prefer_huge_pages is what is wrong.
bool kernel_takes_huge_page_advice() {
  void* probe = ::mmap(nullptr, 2 * kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe == MAP_FAILED) return false;
  const std::uintptr_t aligned = huge_boundary_from(probe);
  const bool taken = ::madvise(reinterpret_cast<void*>(aligned), kHuge, MADV_HUGEPAGE) == 0 && marked_huge(aligned);
  ::munmap(probe, 2 * kHuge);
  return taken;
}

}  // namespace

TEST_CASE("huge_pages: only the whole 2 MiB pages within the buffer are advised") {
  if (!kernel_takes_huge_page_advice()) {
    MESSAGE("this kernel does not take MADV_HUGEPAGE (no transparent huge pages): nothing to check");
    return;
  }
  // 10 MiB of address space, so that a buffer starting 100 bytes past a 2 MiB boundary fits inside it.
  void* space = ::mmap(nullptr, 5 * kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(space != MAP_FAILED);
  const std::uintptr_t boundary = huge_boundary_from(space);
  const std::uintptr_t buffer = boundary + 100;
  const std::size_t bytes = 2 * kHuge + 50;  // holds one whole huge page: [boundary + 2 MiB, boundary + 4 MiB)
  sluice::prefer_huge_pages(reinterpret_cast<void*>(buffer), bytes);
  CHECK(marked_huge(boundary + kHuge));
  CHECK(marked_huge(boundary + 2 * kHuge - 1));
  CHECK_FALSE(marked_huge(buffer));                                                     // the partial page at the start
  CHECK_FALSE(marked_huge(boundary + 2 * kHuge));                                       // the partial page at the end
  sluice::prefer_huge_pages(reinterpret_cast<void*>(boundary + 3 * kHuge + 1), kHuge);  // no whole page: no advice
  CHECK_FALSE(marked_huge(boundary + 3 * kHuge + kHuge / 2));
  ::munmap(space, 5 * kHuge);
}

TEST_CASE("huge_pages: a large buffer starts on a huge page and spans whole ones; a small one is left as it is") {
  std::size_t small = sluice::kHugePageMinBytes - 1;
  void* plain = sluice::allocate_huge_pages(small);
  CHECK(small == sluice::kHugePageMinBytes - 1);  // not rounded
  static_cast<char*>(plain)[small - 1] = 1;
  sluice::free_huge_pages(plain, small);

  std::size_t bytes = sluice::kHugePageMinBytes + 3;
  void* large = sluice::allocate_huge_pages(bytes);
  CHECK(bytes == kHuge);
  CHECK(reinterpret_cast<std::uintptr_t>(large) % kHuge == 0);
  static_cast<char*>(large)[0] = 1;  // the whole span is usable
  static_cast<char*>(large)[bytes - 1] = 1;
  if (kernel_takes_huge_page_advice()) CHECK(marked_huge(reinterpret_cast<std::uintptr_t>(large)));
  sluice::free_huge_pages(large, bytes);

  std::size_t three = 2 * kHuge + 1;
  void* spanning = sluice::allocate_huge_pages(three);
  CHECK(three == 3 * kHuge);
  sluice::free_huge_pages(spanning, three);
}

TEST_CASE("huge_pages: a vector on HugePageAllocator keeps its values across growth into huge pages") {
  std::vector<std::uint64_t, sluice::HugePageAllocator<std::uint64_t>> values;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) values.push_back(i * 7);  // 8 MB: crosses kHugePageMinBytes
  REQUIRE(values.size() == 1'000'000);
  CHECK(values.front() == 0);
  CHECK(values[123'456] == 123'456 * 7);
  CHECK(values.back() == 999'999 * 7);
  CHECK(reinterpret_cast<std::uintptr_t>(values.data()) % kHuge == 0);
  if (kernel_takes_huge_page_advice()) CHECK(marked_huge(reinterpret_cast<std::uintptr_t>(values.data())));
  values.shrink_to_fit();
  values.clear();
  values.shrink_to_fit();  // frees through the allocator with the size it was given
  CHECK(values.capacity() == 0);
}
