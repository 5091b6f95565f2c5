#pragma once
// Big buffers backed by 2 MiB pages where the kernel allows it. A fresh multi-megabyte buffer (a file read
// whole, a file's COPY rows) otherwise costs a page fault per 4 KiB the first time it is written: on a 10-file
// run, where every buffer is fresh, those faults were a fifth of sluice's CPU (and far more on hypervisors
// where a fault is expensive). With transparent huge pages in "madvise" mode (Debian's default) a buffer must
// ask for them; in "always" mode this changes nothing, in "never" mode the kernel ignores it.
#include <cstddef>

namespace sluice {

/// Advises the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge pages; smaller
/// buffers, and any error, are left as they are (this is advice: the memory works the same either way).
void prefer_huge_pages(void* data, std::size_t bytes);

}  // namespace sluice
