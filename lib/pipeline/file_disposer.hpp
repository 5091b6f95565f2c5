#pragma once
// Folder workflows: after a file's transaction commits, keep it, move it to an archive or quarantine
// folder (with a .reason.txt for failures), or delete it. Local files only.
//
// Crash safety: the move happens only after the commit, whose ledger row says a disposal is pending. A crash
// between the two leaves the file in place with that row; the next run skips it as already loaded and
// finishes the move (UnitPlanner's on_known), so it is neither lost nor loaded twice. After a move or delete
// the row becomes `disposed`: a new file under the same name is new data. Before acting, the file on disk
// must still be the one whose rows committed (device, inode, size, mtime); otherwise it is left for the next
// run. An archive never overwrites: a name already taken gets the file id added.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_ref.hpp"
#include "core/logger.hpp"
#include "pipeline/ledger.hpp"

namespace sluice {

struct Disposition {
  enum class Kind { keep, move, remove } kind = Kind::keep;
  std::string folder;  ///< for move: absolute
};

/// Parses "keep", "move:DIR" or (when allowed) "delete"; throws UsageError.
Disposition parse_disposition(std::string_view text, bool allow_delete, std::string_view option);

class FileDisposer {
 public:
  /// `roots` are the local source arguments; a moved file keeps its path relative to its root.
  /// Throws UsageError when a target folder lies inside a source folder (it would be listed again).
  FileDisposer(Disposition on_success, Disposition on_failure, const std::vector<std::string>& roots, Ledger& ledger,
               Logger& logger);

  [[nodiscard]] bool active() const;
  /// Applies the disposition for a committed (or already committed) file: `committed` is the version whose
  /// rows (or failure) the ledger holds under `file_id`. Errors are logged, not thrown: the data is safe in the
  /// database either way.
  void settle(const FileRef& committed, std::int64_t file_id, bool failed, const std::string& reason);

 private:
  std::string relative_to_root(const std::string& path) const;
  void move(const std::string& from, const std::string& folder, std::int64_t file_id, const std::string& reason,
            bool failed);

  Disposition on_success_, on_failure_;
  std::vector<std::string> roots_;  // absolute, normalised folders
  Ledger& ledger_;
  Logger& logger_;
  std::mutex mutex_;
};

}  // namespace sluice
