#pragma once
// Big buffers backed by 2 MiB pages where the kernel allows it. A fresh multi-megabyte buffer (a file read
// whole) otherwise costs a page fault per 4 KiB the first time it is written: on a 10-file run, where every
// buffer is fresh, the read buffers' faults were half of sluice's (more costly still on hypervisors where a fault
// is expensive). With transparent huge pages in "madvise" mode (Debian's default) a buffer must ask for them; in
// "always" mode this changes nothing, in "never" mode the kernel ignores it. Only where it measured better: the
// COPY buffers asked too made 100,000 small files ~15% slower end to end (more CPU in the load path), and gained
// nothing on the other shapes.
#include <cstddef>

namespace sluice {

/// Advises the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge pages; smaller
/// buffers, and any error, are left as they are (this is advice: the memory works the same either way).
void prefer_huge_pages(void* data, std::size_t bytes);

}  // namespace sluice
