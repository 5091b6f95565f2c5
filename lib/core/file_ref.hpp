#pragma once
// What a source yields and every later stage hands on: where a file is, and which version of it.
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

/// Where a file lives, which decides who reads it and what identifies a version of it.
enum class FileScheme : std::uint8_t {
  local,       ///< an absolute path on this machine; a version is size + modification time
  s3,          ///< s3://bucket/key; a version is size + ETag
  unloadable,  ///< known to fail before any read (an unusable Kafka message): `failure` says why
};

/// One input file. uri + size + version is the ledger identity.
struct FileRef {
  FileScheme scheme = FileScheme::local;
  std::string uri;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  ///< local files: modification time, nanoseconds since the epoch
  std::string etag;           ///< S3 objects: the ETag without quotes
  std::string failure;        ///< unloadable entries: why
  /// Local files: which file this is on its file system. Not part of the version (a restore or an rsync gives
  /// new inodes to unchanged files); used to load a file reachable twice (links) once, and to check that a
  /// file about to be moved or deleted is still the one whose rows committed.
  std::uint64_t device = 0, inode = 0;
  /// S3 event notifications: the event's `sequencer` (hex; per key, larger is later), empty when the
  /// announcement has none. Not part of the version: it orders events, the ledger keeps the newest per uri.
  std::string sequencer;

  static FileRef local(std::string path, std::uint64_t size, std::int64_t mtime_ns) {
    return FileRef{FileScheme::local, std::move(path), size, mtime_ns, {}, {}, 0, 0, {}};
  }
  static FileRef s3(std::string uri, std::uint64_t size, std::string etag) {
    return FileRef{FileScheme::s3, std::move(uri), size, 0, std::move(etag), {}, 0, 0, {}};
  }
  /// An entry that fails with `reason` without being read (it still gets a ledger row under `uri`).
  static FileRef unloadable(std::string uri, std::string reason) {
    return FileRef{FileScheme::unloadable, std::move(uri), 0, 0, {}, std::move(reason), 0, 0, {}};
  }

  /// The version as the ledger's `etag` column stores it: the ETag, or the mtime in nanoseconds.
  [[nodiscard]] std::string version() const { return scheme == FileScheme::local ? std::to_string(mtime_ns) : etag; }
  /// Whether a ledger row (size, stored version) describes this very version.
  [[nodiscard]] bool same_version(std::uint64_t stored_size, std::string_view stored_version) const {
    return stored_size == size && stored_version == version();
  }
};

}  // namespace sluice
