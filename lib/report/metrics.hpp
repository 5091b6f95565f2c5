#pragma once
// Prometheus text exposition of a run, for node_exporter's textfile collector (--metrics-file) and
// the Pushgateway (--pushgateway), the Prometheus way for batch jobs.
#include <string>

#include "core/run_stats.hpp"
#include "report/summary.hpp"

namespace sluice {

/// When the metrics are taken: during a long run (after a batch or a watch pass) or at its end.
struct MetricsMoment {
  RunOutcome outcome;                  ///< at the end: how the run ended; during it: the judgement so far
  bool in_progress = false;            ///< a long run (consume, --watch) still going
  std::int64_t last_success_unix = 0;  ///< when a run (or a pass or batch) last succeeded; 0: not known
};

/// The run's metrics in the text exposition format (version 0.0.4). All are gauges describing the last
/// run of this job. sluice_run_last_success_timestamp_seconds is written only when it is known, so that a
/// failed run never erases it (the caller carries the earlier value forward).
std::string prometheus_text(const RunStats& stats, const MetricsMoment& moment);

/// The value of sluice_run_last_success_timestamp_seconds in an exposition written earlier; 0 if absent.
std::int64_t last_success_in(std::string_view exposition);

/// POSTs `text` to `<url>/metrics/job/sluice/shard/<I-of-N>`. A POST replaces only the metrics it names, so a
/// failed run, which does not send sluice_run_last_success_timestamp_seconds, leaves the earlier one in place.
/// Throws std::runtime_error naming the URL and the HTTP status on failure.
void push_to_gateway(const std::string& url, const std::string& shard, const std::string& text);

}  // namespace sluice
