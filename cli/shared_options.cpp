#include "shared_options.hpp"

#include <cstdlib>
#include <cstring>

#include "core/redact.hpp"

namespace sluice {
namespace {

template <typename Options>
void add_database_flags(CLI::App& command, Options& options) {
  command.add_option("--db", options.db, "PostgreSQL DSN (URI or key=value); default: libpq's PG* environment")
      ->envname("SLUICE_DB");
  command.add_option("--config", options.config_path, "JSON config: columns, types, ranges (default: sensor format)")
      ->check(CLI::ExistingFile);
  command.add_option("--schema", options.schema, "PostgreSQL schema for sluice's tables (default: sluice)");
  command.add_option("--log-format", options.log_format, "log lines as text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// --kafka-property values may hold secrets (sasl.password=...).
std::string without_kafka_secrets(std::string arg) {
  for (const char* marker : {"password=", "secret=", "sasl.oauthbearer.config="})
    if (const auto at = arg.find(marker); at != std::string::npos)
      arg = arg.substr(0, at + std::strlen(marker)) + "***";
  return arg;
}

}  // namespace

void add_database_options(CLI::App& command, DatabaseOptions& options) { add_database_flags(command, options); }

void add_source_options(CLI::App& command, SourceOptions& options) {
  command.add_option("--include", options.include,
                     "file name patterns to load from folders, S3 prefixes and Kafka announcements "
                     "(default: *.csv, *.csv.gz, *.csv.zst, *.tsv*, *.txt*)");
  command.add_option("--max-file-bytes", options.max_file_bytes, "largest file accepted, after decompression");
  command
      .add_option(
          "--fetch-jobs", options.fetch_jobs,
          "parallel S3 GETs, or local read-aheads (a parser reads a local file itself) (default: 2 local, 8 S3)")
      ->check(CLI::Range(0, 256));
  command.add_option("--s3-endpoint", options.s3_endpoint,
                     "S3-compatible endpoint URL, path-style addressing (default: AWS_ENDPOINT_URL, else AWS)");
  command.add_option("--s3-region", options.s3_region,
                     "S3 region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)");
}

void add_run_options(CLI::App& command, RunOptions& options, const std::string& batch_help) {
  add_database_flags(command, options);
  add_source_options(command, options.source);
  command.add_option("--batch-files", options.batch_files, batch_help)->check(CLI::Range(1, 100'000'000));
  command.add_option("--jobs", options.jobs, "parallel parsers (default: one per core)")->check(CLI::Range(0, 1024));
  command
      .add_option("--connections", options.connections,
                  "PostgreSQL sessions the run holds at most, loading in parallel (the ledger's lookups share them)")
      ->check(CLI::Range(1, 256));
  command
      .add_option("--session-wait", options.session_wait,
                  "seconds a parsed file waits for a busy session before the run opens another (up to "
                  "--connections)")
      ->check(CLI::Range(0.0, 3600.0));
  command.add_option("--retries", options.retries, "retries of a unit on transient database faults")
      ->check(CLI::Range(0, 100));
  command.add_option("--unit-bytes", options.unit_bytes,
                     "small files are grouped into one transaction up to this size");
  command.add_option("--stream-bytes", options.stream_bytes,
                     "local files this large (compressed: an eighth of it) are read, parsed and loaded a piece at a "
                     "time, never held whole (default 16 MiB; 0: never)");
  command
      .add_option("--max-reject-ratio", options.max_reject_ratio,
                  "exit 1 when rejected/checked rows exceed this (consume: also judged per batch)")
      ->check(CLI::Range(0.0, 1.0));
  command
      .add_option("--max-attempts", options.max_attempts,
                  "failures of one version of a file before it is given up (not retried until it changes or "
                  "`sluice retry`)")
      ->check(CLI::Range(1, 1000));
  command.add_option("--max-rejects-per-file", options.max_rejects_per_file,
                     "a file with more rejected rows fails as a whole (0: no limit)");
  command.add_option("--max-line-bytes", options.max_line_bytes,
                     "a file with a longer record (line breaks inside quotes included) fails as a whole (0: no limit)");
  command.add_option("--progress", options.progress, "auto|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  command.add_option("--progress-interval", options.progress_interval, "seconds between status lines off a terminal")
      ->check(CLI::PositiveNumber);
  command.add_option("--summary-json", options.summary_json, "write the run's summary as JSON to this file");
  command.add_option("--metrics-file", options.metrics_file,
                     "write Prometheus metrics here (atomically) for node_exporter's textfile collector; "
                     "long runs update it after every batch or pass");
  command.add_option("--pushgateway", options.pushgateway,
                     "push Prometheus metrics to this Pushgateway URL (after every batch or pass, and at the end)");
  command.add_option("--metrics-label", options.metrics_labels,
                     "NAME=VALUE label on every metric (repeatable), e.g. pipeline=weather; also in the Pushgateway "
                     "grouping key");
  command.add_flag("--quiet", options.quiet, "no informational log lines");
}

std::string redacted_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) line += (line.empty() ? "" : " ") + redact_dsn(without_kafka_secrets(arg));
  return redact_secrets(
      line, {environment("PGPASSWORD"), environment("AWS_SECRET_ACCESS_KEY"), environment("AWS_SESSION_TOKEN")});
}

}  // namespace sluice
