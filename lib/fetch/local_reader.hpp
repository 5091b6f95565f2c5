#pragma once
// Reads a local file whole, with one read per chunk and no per-line work.
#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "core/file_ref.hpp"

namespace sluice {

/// The file changed between its listing and its read (or during the read).
struct FileChangedError : FileError {
  using FileError::FileError;
};

/// The file's raw bytes. Throws FileError (naming the path and errno text) when it cannot be read,
/// is larger than `max_bytes`, or changed size since it was listed (it is being written).
std::string read_local_file(const FileRef& file, std::uint64_t max_bytes);

/// Like read_local_file, into `bytes` (its capacity reused: no fresh pages for every file).
void read_local_file(const FileRef& file, std::uint64_t max_bytes, std::string& bytes);

}  // namespace sluice
