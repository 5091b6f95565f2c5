#pragma once
// What happened to one file in the load stage.
namespace sluice {

enum class FileStatus { loaded, skipped, failed };

struct FileOutcome {
  FileStatus status = FileStatus::loaded;
  bool replaced = false;  ///< an earlier version's rows, rejects and aggregates were replaced
};

}  // namespace sluice
