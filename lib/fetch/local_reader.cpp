#include "fetch/local_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.hpp"
#include "core/huge_pages.hpp"

namespace sluice {

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd open_listed_file(const FileRef& file, struct stat& info) {
  // O_NONBLOCK: opening a FIFO (or a device) named *.csv must not wait for a writer; it fails below.
  UniqueFd fd(::open(file.uri.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) throw FileError(fmt::format("cannot open: {}", std::strerror(errno)));
  if (::fstat(fd.get(), &info) != 0) throw FileError(fmt::format("cannot stat: {}", std::strerror(errno)));
  if (!S_ISREG(info.st_mode)) throw FileError("not a regular file");
  // The file checked when it was listed or admitted (under a --local-root), not one renamed in since.
  if (file.inode != 0 &&
      (static_cast<std::uint64_t>(info.st_ino) != file.inode || static_cast<std::uint64_t>(info.st_dev) != file.device))
    throw FileChangedError("another file was put under this name since it was listed");
  return fd;
}

std::string read_local_file(const FileRef& file, std::uint64_t max_bytes) {
  std::string bytes;
  read_local_file(file, max_bytes, bytes);
  return bytes;
}

void read_local_file(const FileRef& file, std::uint64_t max_bytes, std::string& bytes) {
  struct stat info {};
  const UniqueFd opened = open_listed_file(file, info);
  const int fd = opened.get();
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > max_bytes) throw FileError(fmt::format("file of {} bytes exceeds --max-file-bytes ({})", size, max_bytes));
  if (size != file.size)
    throw FileChangedError(
        fmt::format("file changed while being loaded: listed with {} bytes, now {}", file.size, size));
  // A buffer too small for this file is replaced by one that asks for huge pages before its first write: the
  // zero fill of resize() below faults it in. Within a reused buffer's capacity that fill touches pages already
  // mapped.
  if (size > bytes.capacity()) {
    bytes.reserve(static_cast<std::size_t>(size));
    prefer_huge_pages(bytes.data(), bytes.capacity());
  }
  bytes.resize(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw FileError(fmt::format("read failed: {}", std::strerror(errno)));
    if (got == 0)
      throw FileChangedError(fmt::format("file changed while being read: it shrank ({} of {} bytes read)", done, size));
    done += static_cast<std::size_t>(got);
  }
  char extra;
  if (::read(fd, &extra, 1) > 0) throw FileChangedError("file changed while being read: it grew");
  // A rewrite of the same length shows only in the modification time.
  struct stat after {};
  if (::fstat(fd, &after) == 0 && file.mtime_ns != 0 &&
      static_cast<std::int64_t>(after.st_mtim.tv_sec) * 1'000'000'000 + after.st_mtim.tv_nsec != file.mtime_ns)
    throw FileChangedError("file changed since it was listed (modification time differs)");
}

void read_ahead_local_file(const FileRef& file) {
  struct stat info {};
  try {
    const UniqueFd fd = open_listed_file(file, info);
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_WILLNEED);
  } catch (const FileError&) {  // the read names it
  }
}

}  // namespace sluice
