#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "parse/file_parser.hpp"
#include "sources.hpp"

namespace sluice {

struct CommonOptions {
  std::string db;  ///< libpq DSN; empty: libpq's PG* environment
  std::string config_path;
  std::string schema;  ///< overrides the config's schema
  std::string log_format = "text";
};

struct IngestOptions {
  CommonOptions common;
  std::vector<std::string> sources;
  std::size_t batch_files = 10'000;
  std::string shard;
  int jobs = 0;  ///< 0: one per core
  int connections = 2;
  bool dry_run = false;
  bool force = false;
  double max_reject_ratio = 1.0;
  std::string progress = "auto";
  double progress_interval = 10.0;
  std::string summary_json;
  std::string metrics_file;
  std::string pushgateway;
  int retries = 8;
  std::int64_t max_rejects_per_file = 0;
  std::uint64_t max_line_bytes = kDefaultMaxLineBytes;
  std::uint64_t unit_bytes = 8ull << 20;
  SourceOptions source;
  std::string on_success = "keep";
  std::string on_failure = "keep";
  bool watch = false;
  double watch_interval = 30.0;
  bool quiet = false;
};

/// Adds the common options (--db, --config, --schema, --log-format) to a subcommand.
void add_common_options(CLI::App& command, CommonOptions& options);

/// Registers `sluice ingest`; `exit_code` receives its exit code when it runs.
void add_ingest_command(CLI::App& app, IngestOptions& options, const std::vector<std::string>& argv, int& exit_code);

}  // namespace sluice
