#pragma once
// `sluice consume`: a Kafka consumer-group member that loads the files S3 event notifications (or plain
// {"uri": ...} messages) announce, through the same pipeline as `ingest`, batch by batch.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ingest_command.hpp"
#include "sources.hpp"

namespace sluice {

struct ConsumeOptions {
  CommonOptions common;
  std::string brokers;
  std::string topic;
  std::string group;
  std::vector<std::string> kafka_properties;  ///< KEY=VALUE librdkafka settings
  std::size_t batch_files = 1000;             ///< a batch closes at this many files ...
  double batch_wait = 5.0;                    ///< ... or this many seconds after its first message
  double exit_when_idle = 0;                  ///< exit after this many seconds without a message; 0: never
  int jobs = 0;                               ///< 0: one per core
  int connections = 2;
  int retries = 8;
  std::int64_t max_rejects_per_file = 0;
  std::uint64_t unit_bytes = 8ull << 20;
  std::string progress = "auto";
  double progress_interval = 10.0;
  std::string summary_json;
  SourceOptions source;
  bool quiet = false;
  /// Test hook, set by the environment variable SLUICE_TEST_CRASH_BEFORE_OFFSET_COMMIT=1: the process
  /// _exit(9)s right after its first batch commits in PostgreSQL, before the Kafka offsets are committed
  /// (what a kill -9 at the worst moment does). Never set it in production.
  bool crash_before_offset_commit = false;
};

/// Registers `sluice consume`; `exit_code` receives its exit code when it runs.
void add_consume_command(CLI::App& app, ConsumeOptions& options, const std::vector<std::string>& argv, int& exit_code);

}  // namespace sluice
