#pragma once
// Manifests: the file lists `sluice plan` writes and `sluice ingest @manifest.json` reads, so a
// scheduler can hand each task a fixed, disjoint set of files.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/file_ref.hpp"
#include "source/file_source.hpp"

namespace sluice {

struct Manifest {
  std::string shard;  ///< "I/N"
  std::vector<FileRef> files;
  [[nodiscard]] std::uint64_t bytes() const;
};

/// Writes a manifest as it is listed (flat memory for millions of files), atomically on close():
/// {"version": 1, "shard": "0/4", "entries": [{"uri", "size", "etag"}, ...], "files": N, "bytes": B}
class ManifestWriter {
 public:
  ManifestWriter(std::string path, const std::string& shard);
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;

  void add(const FileRef& file);
  /// Finishes the file and renames it into place; throws std::runtime_error on a write error.
  void close();
  [[nodiscard]] std::uint64_t files() const { return files_; }
  [[nodiscard]] std::uint64_t bytes() const { return bytes_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_, temporary_;
  std::FILE* out_ = nullptr;
  std::uint64_t files_ = 0, bytes_ = 0;
};

/// Reads a manifest written by manifest_json; throws UsageError naming the file and what is wrong.
Manifest read_manifest(const std::string& path);

/// Yields a manifest's files. Local files are stat'ed again (their current size and mtime are what gets
/// loaded and recorded); a local file that has gone is still yielded, and fails when read.
class ManifestSource final : public FileSource {
 public:
  explicit ManifestSource(const std::string& path) : manifest_(read_manifest(path)) {}
  std::optional<FileRef> next() override;

 private:
  Manifest manifest_;
  std::size_t next_ = 0;
};

}  // namespace sluice
