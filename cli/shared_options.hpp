#pragma once
// Flags that several commands share, each defined once: the database ones (every command that connects),
// the source ones (ingest, consume, plan) and the run ones (ingest and consume).
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "run/run_options.hpp"

namespace sluice {

/// What every database command needs: --db, --config, --schema, --log-format.
struct DatabaseOptions {
  std::string db;
  std::string config_path;
  std::string schema;
  std::string log_format = "text";
};

void add_database_options(CLI::App& command, DatabaseOptions& options);
/// --include, --max-file-bytes, --fetch-jobs, --s3-endpoint, --s3-region.
void add_source_options(CLI::App& command, SourceOptions& options);
/// The database and source flags plus every flag of a loading run (limits, reporting, parallelism).
/// `batch_help` says what a batch is in this command.
void add_run_options(CLI::App& command, RunOptions& options, const std::string& batch_help);

/// The command line with secrets removed (DSN passwords, PGPASSWORD, AWS secrets, Kafka passwords), for the
/// runs table and logs.
std::string redacted_command_line(const std::vector<std::string>& argv);

}  // namespace sluice
