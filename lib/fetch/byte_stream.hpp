#pragma once
// A file read piece by piece, for files too large to hold whole: from local disk, decompressed on the way when
// it is gzip or zstd (detected by its magic bytes, as decompress() does).
#include <cstdint>
#include <memory>
#include <string>

#include "core/file_ref.hpp"

namespace sluice {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Up to `capacity` bytes into `out`; 0 only at the end. Throws FileError for a problem of this file.
  virtual std::size_t read(char* out, std::size_t capacity) = 0;
};

/// Opens a local file as read_local_file checks it (a regular file, the one listed: same inode) and sets `file`'s
/// size and modification time to the ones it has now, the version loaded. The stream's last read fails with
/// FileChangedError when the file changed while it was read. Content beyond `max_bytes` (after decompression)
/// fails the file.
std::unique_ptr<ByteStream> open_local_stream(FileRef& file, std::uint64_t max_bytes);

}  // namespace sluice
