#pragma once
// The end-of-run report: a human summary on stdout and a machine-readable JSON document.
#include <string>

#include "report/run_stats.hpp"

namespace sluice {

struct RunOutcome {
  std::string status;  ///< ok, partial, fatal, stopped
  int exit_code = 0;
  bool dry_run = false;
  std::string error;  ///< the fatal error, if any (secrets removed)
};

std::string human_summary(const RunStats& stats, const RunOutcome& outcome);
std::string json_summary(const RunStats& stats, const RunOutcome& outcome);

/// Writes `text` to `path` atomically (temporary file + rename); throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace sluice
