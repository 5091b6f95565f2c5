#pragma once
// The folders `consume` may read local files from (--local-root). A message on a topic must not steer
// sluice into files it was not given: an announced local path is resolved (.., symbolic links) and admitted
// only when the resolved file lies under a root; nothing outside is opened, so nothing of it can leak into a
// log or the ledger.
#include <optional>
#include <string>
#include <vector>

#include "core/file_ref.hpp"

namespace sluice {

class LocalRoots {
 public:
  /// Resolves each root; throws UsageError for one that is not a folder.
  explicit LocalRoots(const std::vector<std::string>& roots);

  [[nodiscard]] bool empty() const { return roots_.empty(); }

  /// The announced `path` as a FileRef under its resolved path (size, mtime, device and inode from stat, the
  /// way `ingest` lists it), or nothing with `refusal` saying why: no root given, outside every root, no such
  /// file, not a regular file. The fetcher later checks that the file it opens is this inode, so swapping a
  /// link between this check and the read does not lead outside either.
  std::optional<FileRef> admit(const std::string& path, std::string& refusal) const;

 private:
  std::vector<std::string> roots_;  ///< resolved, without a trailing slash
};

/// Whether the last segment of `uri` (a path or an S3 key) matches one of `patterns` (fnmatch); hidden names
/// (starting with '.') never do.
bool name_included(const std::string& uri, const std::vector<std::string>& patterns);

}  // namespace sluice
