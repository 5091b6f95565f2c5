#include "run/metrics_publisher.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "report/metrics.hpp"
#include "report/summary.hpp"

namespace sluice {

MetricsPublisher::MetricsPublisher(MetricsTargets targets, Logger& logger)
    : targets_(std::move(targets)), labels_(identity_labels(targets_.shard, targets_.labels)), logger_(logger) {
  if (targets_.textfile.empty()) return;
  std::ifstream earlier(targets_.textfile);
  if (!earlier) return;
  std::stringstream text;
  text << earlier.rdbuf();
  last_success_unix_ = last_success_in(text.str());
  earlier_commit_unix_ = timestamp_in(text.str(), "sluice_kafka_last_commit_timestamp_seconds");
}

void MetricsPublisher::publish(const RunStats& stats, const RunOutcome& outcome, bool in_progress) {
  if (!active()) return;
  if (outcome.exit_code == 0)
    last_success_unix_ =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string text =
      prometheus_text(stats, MetricsMoment{outcome, in_progress, last_success_unix_, earlier_commit_unix_, labels_});
  try {
    if (!targets_.textfile.empty()) write_file_atomically(targets_.textfile, text);
    if (!targets_.pushgateway.empty()) push_to_gateway(targets_.pushgateway, labels_, text);
  } catch (const std::exception& error) {
    logger_.warn(fmt::format("metrics not published: {}", error.what()));
  }
}

}  // namespace sluice
