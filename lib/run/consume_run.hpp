#pragma once
// `sluice consume`: a Kafka consumer-group member that loads the files S3 event notifications (or plain
// {"uri": ...} messages) announce, through the same pipeline as `ingest`, batch by batch.
#include <string>
#include <utility>
#include <vector>

#include "core/fail_points.hpp"
#include "run/run_options.hpp"
#include "run/run_session.hpp"

namespace sluice {

/// KEY=VALUE librdkafka settings; throws UsageError for one without '='.
std::vector<std::pair<std::string, std::string>> parse_kafka_properties(const std::vector<std::string>& texts);

/// Polls and loads until a signal, --exit-when-idle, or a fatal error. Throws UsageError/FatalError.
void consume_into(const ConsumeOptions& options, RunContext& context);

/// A whole `consume` run: checks the options, opens the session, consumes, reports. Returns the exit code.
int run_consume(const ConsumeOptions& options, const FailPoints& fail_points);

}  // namespace sluice
