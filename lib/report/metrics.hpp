#pragma once
// Prometheus text exposition of a run, for node_exporter's textfile collector (--metrics-file) and
// the Pushgateway (--pushgateway), the Prometheus way for batch jobs.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/run_stats.hpp"
#include "report/summary.hpp"

namespace sluice {

/// A label every sample of a run carries, so that alerts and dashboards tell jobs and shards apart.
struct MetricsLabel {
  std::string name;
  std::string value;
};
using MetricsLabels = std::vector<MetricsLabel>;

/// A --metrics-label NAME=VALUE. Throws UsageError for a name Prometheus does not accept or one sluice already
/// uses (job, instance, shard, status, reason, kind, stage), or a value outside [A-Za-z0-9_.:-] (it also goes
/// into the Pushgateway's URL path).
MetricsLabel parse_metrics_label(std::string_view text);

/// The labels of every sample: shard="I-N" (the Pushgateway grouping key's spelling) then the --metrics-label
/// ones in the order given. Throws UsageError as parse_metrics_label, and for a name given twice.
MetricsLabels identity_labels(std::string_view shard, const std::vector<std::string>& label_args);

/// When the metrics are taken: during a long run (after a batch or a watch pass) or at its end.
struct MetricsMoment {
  RunOutcome outcome;                  ///< at the end: how the run ended; during it: the judgement so far
  bool in_progress = false;            ///< a long run (consume, --watch) still going
  std::int64_t last_success_unix = 0;  ///< when a run (or a pass or batch) last succeeded; 0: not known
  std::int64_t last_commit_unix = 0;   ///< a consumer's last offset commit, maybe by an earlier process; 0: none
  MetricsLabels labels;                ///< on every sample (identity_labels)
};

/// The run's metrics in the text exposition format (version 0.0.4). All are gauges describing the last
/// run of this job. sluice_run_last_success_timestamp_seconds is written only when it is known, so that a
/// failed run never erases it (the caller carries the earlier value forward).
std::string prometheus_text(const RunStats& stats, const MetricsMoment& moment);

/// The value of the first sample of `metric` (with or without labels) in an exposition written earlier, as
/// whole seconds; 0 if absent or unreadable.
std::int64_t timestamp_in(std::string_view exposition, std::string_view metric);

/// timestamp_in for sluice_run_last_success_timestamp_seconds.
std::int64_t last_success_in(std::string_view exposition);

/// POSTs `text` to `<url>/metrics/job/sluice/<label>/<value>...` (the grouping key: shard, then the
/// --metrics-label ones). A POST replaces only the metrics it names, so a failed run, which does not send
/// sluice_run_last_success_timestamp_seconds, leaves the earlier one in place. Throws std::runtime_error naming
/// the URL and the HTTP status on failure.
void push_to_gateway(const std::string& url, const MetricsLabels& labels, const std::string& text);

}  // namespace sluice
