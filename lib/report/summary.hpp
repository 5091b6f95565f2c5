#pragma once
// The end-of-run report: a human summary on stdout and a machine-readable JSON document.
#include <string>

#include "core/run_outcome.hpp"
#include "core/run_stats.hpp"

namespace sluice {

std::string human_summary(const RunStats& stats, const RunOutcome& outcome);
std::string json_summary(const RunStats& stats, const RunOutcome& outcome);

/// Writes `text` to `path` atomically (temporary file + rename); throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace sluice
