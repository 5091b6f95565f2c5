#pragma once
// How a run that was not cut short by an error ends: the status and exit code a scheduler acts on.
#include "core/run_outcome.hpp"
#include "core/run_stats.hpp"

namespace sluice {

struct JudgeRules {
  double max_reject_ratio = 1.0;  ///< rejected / checked rows above this make the run partial
  bool dry_run = false;
};

/// stopped (130) when a signal stopped the run; partial (1) when a file failed, the run's reject ratio is over
/// the limit, or a consumer batch was over it; ok (0) otherwise.
RunOutcome judge_run(const RunStats& stats, const JudgeRules& rules, bool stopped);

/// Rejected / checked rows; 0 when nothing was checked.
double reject_ratio(std::int64_t rows_loaded, std::int64_t rows_rejected);

}  // namespace sluice
