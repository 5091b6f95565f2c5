#pragma once
// Prometheus text exposition of a run, for node_exporter's textfile collector (--metrics-file) and
// the Pushgateway (--pushgateway), the Prometheus way for batch jobs.
#include <string>

#include "report/run_stats.hpp"
#include "report/summary.hpp"

namespace sluice {

/// The run's metrics in the text exposition format (version 0.0.4). All are gauges: each describes
/// the last run of this job (a textfile is overwritten, a push replaces its group).
std::string prometheus_text(const RunStats& stats, const RunOutcome& outcome);

/// PUTs `text` to `<url>/metrics/job/sluice/shard/<I-of-N>` (replacing that group). Throws
/// std::runtime_error naming the URL and the HTTP status on failure.
void push_to_gateway(const std::string& url, const std::string& shard, const std::string& text);

}  // namespace sluice
