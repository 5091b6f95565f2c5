#pragma once
// What happened to one file in the load stage.
#include <string>

namespace sluice {

enum class FileStatus { loaded, skipped, failed };

struct FileOutcome {
  FileStatus status = FileStatus::loaded;
  bool replaced = false;  ///< an earlier version's rows, rejects and aggregates were replaced
  bool given_up = false;  ///< failed, and this was its last attempt (--max-attempts)
  std::string note;       ///< worth a log line (e.g. a queue file rewritten after its commit)
  std::string failure;    ///< why it failed, when the load stage failed it (PostgreSQL refused its data)
};

}  // namespace sluice
