#pragma once
// Local files: a file, a folder (recursive, lazily walked) or a glob.
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "source/file_source.hpp"

namespace sluice {

struct LocalListing {
  /// File name patterns (fnmatch) a file inside a folder must match; files named directly always count.
  std::vector<std::string> include = {"*.csv",     "*.csv.gz", "*.csv.zst", "*.tsv",    "*.tsv.gz",
                                      "*.tsv.zst", "*.txt",    "*.txt.gz",  "*.txt.zst"};
  /// Files modified less than this many seconds ago are left for a later listing (still being written).
  double min_age_seconds = 0;
  /// Told about entries that cannot be listed (permission denied, broken links); they are not loaded.
  std::function<void(const std::string& path, const std::string& reason)> on_skipped;
};

/// A modification time in nanoseconds since the epoch.
inline std::int64_t mtime_nanoseconds(const struct timespec& mtime) {
  return static_cast<std::int64_t>(mtime.tv_sec) * 1'000'000'000 + mtime.tv_nsec;
}

/// The FileRef of one local file: absolute normalised path, size, modification time.
FileRef local_file_ref(const std::filesystem::path& path, const std::filesystem::directory_entry& entry);

class LocalSource final : public FileSource {
 public:
  /// `argument` is a file, a folder or a glob pattern; throws UsageError when it names nothing.
  LocalSource(const std::string& argument, LocalListing listing);
  std::optional<FileRef> next() override;

 private:
  bool included(const std::filesystem::path& path) const;
  bool settling(const FileRef& ref) const;

  LocalListing listing_;
  std::vector<std::filesystem::path> roots_;  // expanded glob matches or the one argument
  std::size_t next_root_ = 0;
  std::optional<std::filesystem::recursive_directory_iterator> walk_;
};

}  // namespace sluice
