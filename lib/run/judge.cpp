#include "run/judge.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace sluice {

double reject_ratio(std::int64_t rows_loaded, std::int64_t rows_rejected) {
  const double checked = static_cast<double>(rows_loaded + rows_rejected);
  return checked > 0 ? static_cast<double>(rows_rejected) / checked : 0;
}

RunOutcome judge_run(const RunStats& stats, const JudgeRules& rules, bool stopped) {
  RunOutcome outcome;
  outcome.dry_run = rules.dry_run;
  if (stopped) {
    outcome.status = "stopped";
    outcome.exit_code = static_cast<int>(ExitCode::stopped);
    return outcome;
  }
  const double ratio = reject_ratio(stats.rows_loaded, stats.rows_rejected);
  const std::int64_t batches_over = stats.consumer.batches_over_reject_ratio;
  if (stats.files_failed > 0 || ratio > rules.max_reject_ratio || batches_over > 0) {
    outcome.status = "partial";
    outcome.exit_code = static_cast<int>(ExitCode::partial);
    if (ratio > rules.max_reject_ratio)
      outcome.error = fmt::format("reject ratio {:.4f} is over --max-reject-ratio {}", ratio, rules.max_reject_ratio);
    else if (batches_over > 0)
      outcome.error =
          fmt::format("{} batches had a reject ratio over --max-reject-ratio {}", batches_over, rules.max_reject_ratio);
    return outcome;
  }
  outcome.status = "ok";
  outcome.exit_code = static_cast<int>(ExitCode::ok);
  return outcome;
}

}  // namespace sluice
