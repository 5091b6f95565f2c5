#pragma once
// Where parsed load units go: PostgreSQL, or nowhere for --dry-run.
#include <vector>

#include "core/file_outcome.hpp"
#include "parse/parsed_file.hpp"

namespace sluice {

class UnitSink {
 public:
  virtual ~UnitSink() = default;
  /// Commits the files of one unit together; one outcome per file. Throws FatalError when it cannot.
  virtual std::vector<FileOutcome> commit(const std::vector<ParsedFile>& files) = 0;
};

/// --dry-run: every parsed file counts as loaded, nothing is written.
class DryRunSink final : public UnitSink {
 public:
  std::vector<FileOutcome> commit(const std::vector<ParsedFile>& files) override {
    std::vector<FileOutcome> outcomes(files.size());
    for (std::size_t i = 0; i < files.size(); ++i)
      outcomes[i].status = files[i].failed() ? FileStatus::failed : FileStatus::loaded;
    return outcomes;
  }
};

}  // namespace sluice
