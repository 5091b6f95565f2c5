// prefer_huge_pages (lib/core/huge_pages.hpp): the whole 2 MiB pages inside a buffer are marked for huge pages
// (the kernel shows it as "hg" among a mapping's VmFlags), and nothing outside the buffer is.
#include <doctest/doctest.h>
#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

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
