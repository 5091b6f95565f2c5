#pragma once
// Reads a local file whole, with one read per chunk and no per-line work.
#include <cstdint>
#include <string>

#include <sys/stat.h>

#include "core/errors.hpp"
#include "core/file_ref.hpp"

namespace sluice {

/// The file changed between its listing and its read (or during the read).
struct FileChangedError : FileError {
  using FileError::FileError;
};

/// A file descriptor, closed when it goes out of scope.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd& operator=(UniqueFd&&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

/// Opens a local file for reading, checked to be the one listed: a regular file (a FIFO named *.csv does not
/// block the open, it fails) with the listed inode, when one was listed. `info` gets its fstat. Throws FileError,
/// or FileChangedError when another file was put under the name.
UniqueFd open_listed_file(const FileRef& file, struct stat& info);

/// The file's raw bytes. Throws FileError (naming the path and errno text) when it cannot be read,
/// is larger than `max_bytes`, or changed size since it was listed (it is being written).
std::string read_local_file(const FileRef& file, std::uint64_t max_bytes);

/// Like read_local_file, into `bytes` (its capacity reused: no fresh pages for every file).
void read_local_file(const FileRef& file, std::uint64_t max_bytes, std::string& bytes);

/// Asks the kernel to read `file` into the page cache in the background (POSIX_FADV_WILLNEED) and returns at
/// once. Advice only: any problem with the file (gone, not a regular file, another file under its name) is left for
/// the read to report.
void read_ahead_local_file(const FileRef& file);

}  // namespace sluice
