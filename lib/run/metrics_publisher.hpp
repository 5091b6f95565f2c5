#pragma once
// Publishes a run's metrics to a textfile (node_exporter's collector) and/or a Pushgateway: after each batch
// or pass of a long run and once at its end. Carries the last success time across failed runs, so an alert
// on "no success for N hours" keeps working after a failure; likewise a consumer's last offset commit across
// restarts, so that "a consumer that stopped committing" also catches one that restarts and never commits.
#include <cstdint>
#include <string>
#include <vector>

#include "core/logger.hpp"
#include "core/run_outcome.hpp"
#include "core/run_stats.hpp"
#include "report/metrics.hpp"

namespace sluice {

struct MetricsTargets {
  std::string textfile;     ///< --metrics-file; empty: none
  std::string pushgateway;  ///< --pushgateway URL; empty: none
  std::string shard = "0/1";
  std::vector<std::string> labels;  ///< --metrics-label NAME=VALUE, on every sample
};

class MetricsPublisher {
 public:
  /// Reads the last success (and last commit) time an earlier run left in the textfile, if any. Throws
  /// UsageError for a bad --metrics-label.
  MetricsPublisher(MetricsTargets targets, Logger& logger);

  [[nodiscard]] bool active() const { return !targets_.textfile.empty() || !targets_.pushgateway.empty(); }
  /// Publishes the metrics now. `outcome` is the judgement so far (during a run) or the final one; an ok one
  /// moves the last success time to now. Never throws: a missing Pushgateway must not fail a load.
  void publish(const RunStats& stats, const RunOutcome& outcome, bool in_progress);

  [[nodiscard]] std::int64_t last_success_unix() const { return last_success_unix_; }

 private:
  MetricsTargets targets_;
  MetricsLabels labels_;
  Logger& logger_;
  std::int64_t last_success_unix_ = 0;
  std::int64_t earlier_commit_unix_ = 0;
};

}  // namespace sluice
