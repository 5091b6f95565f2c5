#pragma once
// The options of a run, shared by `ingest` and `consume`, and the two modes' own. Plain values: cli/ maps
// flags onto them, and nothing below run/ sees them whole.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parse/file_parser.hpp"
#include "pipeline/ledger_rules.hpp"
#include "pipeline/pipeline.hpp"
#include "run/sources.hpp"

namespace sluice {

struct RunOptions {
  // Where to load, and how the files look.
  std::string db;           ///< libpq DSN; empty: libpq's PG* environment
  std::string config_path;  ///< empty: the default sensor format
  std::string schema;       ///< overrides the config's schema
  // Logging and reporting.
  std::string log_format = "text";
  bool quiet = false;
  std::string progress = "auto";
  double progress_interval = 10.0;
  std::string summary_json;
  std::string metrics_file;
  std::string pushgateway;
  std::vector<std::string> metrics_labels;  ///< --metrics-label NAME=VALUE, on every sample
  // The data path.
  int jobs = 0;  ///< parallel parsers; 0: one per core
  int connections = 2;
  double session_wait = 0.1;  ///< seconds a load waits for a busy session before another one opens
  int retries = 8;
  std::size_t batch_files = 10'000;
  std::uint64_t unit_bytes = 8ull << 20;
  std::uint64_t stream_bytes = 16ull << 20;  ///< PipelineOptions::stream_bytes
  double max_reject_ratio = 1.0;
  int max_attempts = kDefaultMaxAttempts;  ///< failures of one version of a file before it is given up
  std::int64_t max_rejects_per_file = 0;
  std::uint64_t max_line_bytes = kDefaultMaxLineBytes;
  SourceOptions source;
  // What the runs row and the Pushgateway grouping record.
  std::string command_line;  ///< secrets already removed
  std::string shard = "0/1";
};

struct IngestOptions {
  RunOptions run;
  std::vector<std::string> sources;
  std::string shard;  ///< I/N; empty: every file
  bool dry_run = false;
  bool force = false;
  std::string on_success = "keep";
  std::string on_failure = "keep";
  bool watch = false;
  double watch_interval = 30.0;
};

struct ConsumeOptions {
  RunOptions run;
  std::string brokers;
  std::string topic;
  std::string group;
  std::vector<std::string> kafka_properties;  ///< KEY=VALUE librdkafka settings
  double batch_wait = 5.0;                    ///< a batch closes this many seconds after its first message
  double exit_when_idle = 0;                  ///< exit after this many seconds without a message; 0: never
  std::vector<std::string> local_roots;       ///< --local-root: the only folders local uris may point into
  std::vector<std::string> allowed_buckets;  ///< --allow-bucket: when given, the only buckets announced files may be in
};

/// The pipeline's options for a run whose files come through `fetch_jobs` parallel fetches.
PipelineOptions pipeline_options(const RunOptions& options, int fetch_jobs);

}  // namespace sluice
