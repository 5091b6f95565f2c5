#include "ingest_command.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "common.hpp"
#include "core/errors.hpp"
#include "core/redact.hpp"
#include "folder_watch.hpp"
#include "load/pg_target.hpp"
#include "pipeline/file_disposer.hpp"
#include "pipeline/pipeline.hpp"
#include "report/metrics.hpp"
#include "report/progress.hpp"
#include "report/summary.hpp"
#include "signals.hpp"

namespace sluice {
namespace {

PipelineOptions pipeline_options(const IngestOptions& options) {
  PipelineOptions out;
  out.jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  out.fetch_jobs = fetch_jobs_for(options.sources, options.source);
  out.connections = options.connections;
  out.max_file_bytes = options.source.max_file_bytes;
  out.limits.max_rejects_per_file = options.max_rejects_per_file;
  out.limits.max_line_bytes = options.max_line_bytes;
  return out;
}

RunOutcome judge(const RunStats& stats, const IngestOptions& options, bool stopped) {
  RunOutcome outcome;
  outcome.dry_run = options.dry_run;
  const double checked = static_cast<double>(stats.rows_loaded + stats.rows_rejected);
  const double ratio = checked > 0 ? static_cast<double>(stats.rows_rejected) / checked : 0;
  if (stopped) {
    outcome.status = "stopped";
    outcome.exit_code = static_cast<int>(ExitCode::stopped);
  } else if (stats.files_failed > 0 || ratio > options.max_reject_ratio) {
    outcome.status = "partial";
    outcome.exit_code = static_cast<int>(ExitCode::partial);
    if (ratio > options.max_reject_ratio)
      outcome.error = fmt::format("reject ratio {:.4f} is over --max-reject-ratio {}", ratio, options.max_reject_ratio);
  } else {
    outcome.status = "ok";
    outcome.exit_code = static_cast<int>(ExitCode::ok);
  }
  return outcome;
}

// Lists, plans and runs the pipeline into `sink` once, or pass after pass with --watch; returns the
// outcome (FatalError becomes exit 3).
RunOutcome run_into(const IngestOptions& options, const Config& config, Ledger& ledger, UnitSink& sink, RunStats& stats,
                    StopSignal& stop, Logger& logger) {
  FileDisposer disposer(parse_disposition(options.on_success, true, "--on-success"),
                        parse_disposition(options.on_failure, false, "--on-failure"), options.sources, logger);
  PlannerOptions planner_options;
  planner_options.batch_files = options.batch_files;
  planner_options.unit_bytes = options.unit_bytes;
  planner_options.force = options.force;
  if (!options.shard.empty()) planner_options.shard = parse_shard(options.shard);
  PipelineOptions pipeline = pipeline_options(options);
  if (disposer.active() && !options.dry_run) {
    planner_options.on_known = [&](const FileRef& file, const LedgerEntry& entry) {
      disposer.settle(file, entry.failed, entry.error);
    };
    // Test hook: die between a commit and the move that follows it (tests/integration/pg_folder_test.sh).
    const bool crash_before_move = std::getenv("SLUICE_TEST_CRASH_BEFORE_MOVE") != nullptr;
    pipeline.after_commit = [&, crash_before_move](const ParsedFile& file, FileStatus status) {
      if (crash_before_move) ::_exit(137);
      disposer.settle(file.ref, status == FileStatus::failed, file.failure);
    };
  }
  std::unique_ptr<Fetcher> fetcher = make_fetcher(options.source, logger, &stats);
  std::optional<FolderWatch> watch;
  if (options.watch) watch.emplace(options.sources);
  try {
    while (true) {
      std::unique_ptr<FileSource> source = make_sources(options.sources, options.source, logger, &stats);
      UnitPlanner planner(*source, ledger, planner_options, stats);
      run_pipeline({config, planner, *fetcher, sink, stats, stop, logger}, pipeline);
      if (!watch || stop.requested()) break;
      watch->wait(options.watch_interval, options.source.settle_seconds, stop);
      if (stop.requested()) break;
    }
  } catch (const FatalError& error) {
    return RunOutcome{"fatal", static_cast<int>(ExitCode::fatal), options.dry_run, redact_dsn(error.what())};
  }
  return judge(stats, options, stop.requested());
}

// Metrics are reported, never fatal: a missing Pushgateway must not fail a load that succeeded.
void publish_metrics(const IngestOptions& options, const RunStats& stats, const RunOutcome& outcome, Logger& logger) {
  if (options.metrics_file.empty() && options.pushgateway.empty()) return;
  const std::string text = prometheus_text(stats, outcome);
  try {
    if (!options.metrics_file.empty()) write_file_atomically(options.metrics_file, text);
    if (!options.pushgateway.empty()) push_to_gateway(options.pushgateway, options.shard, text);
  } catch (const std::exception& error) {
    logger.warn(fmt::format("metrics not published: {}", error.what()));
  }
}

int run_ingest(const IngestOptions& options, const std::vector<std::string>& argv) {
  Logger logger(parse_log_format(options.common.log_format), options.quiet);
  const Config config = effective_config(options.common);
  if (!options.shard.empty()) parse_shard(options.shard);  // usage errors before any connection
  RunStats stats;
  StopSignal stop;
  SignalWatcher watcher(stop, logger);
  RunOutcome outcome;
  {
    Progress progress(stats, parse_progress_mode(options.progress), options.progress_interval);
    logger.set_line_guard(&progress.terminal_mutex());
    try {
      if (options.dry_run) {
        NullLedger ledger;
        DryRunSink sink;
        outcome = run_into(options, config, ledger, sink, stats, stop, logger);
      } else {
        RetryPolicy retry;
        retry.retries = options.retries;
        PgTarget target(config,
                        {options.common.db, options.force, retry, redacted_command_line(argv),
                         options.shard.empty() ? "0/1" : options.shard},
                        logger, stats);
        outcome =
            target.run([&] { return run_into(options, config, target.ledger(), target.sink(), stats, stop, logger); });
      }
    } catch (const FatalError& error) {
      outcome = RunOutcome{"fatal", static_cast<int>(ExitCode::fatal), options.dry_run, redact_dsn(error.what())};
    }
    progress.stop();
    logger.set_line_guard(nullptr);
  }
  if (!outcome.error.empty()) logger.error(outcome.error);
  std::cout << human_summary(stats, outcome) << std::flush;
  if (!options.summary_json.empty()) write_file_atomically(options.summary_json, json_summary(stats, outcome));
  publish_metrics(options, stats, outcome, logger);
  return outcome.exit_code;
}

}  // namespace

void add_ingest_command(CLI::App& app, IngestOptions& options, const std::vector<std::string>& argv, int& exit_code) {
  CLI::App* command = app.add_subcommand("ingest", "Load files (folders, files, globs) into PostgreSQL");
  command->add_option("sources", options.sources, "folders, files or glob patterns")->required();
  add_common_options(*command, options.common);
  add_source_options(*command, options.source);
  command->add_option("--batch-files", options.batch_files, "files listed and checked against the ledger at a time")
      ->check(CLI::Range(1, 100'000'000));
  command->add_option("--shard", options.shard, "I/N: only files whose stable uri hash mod N is I");
  command->add_option("--jobs", options.jobs, "parallel parsers (default: one per core)")->check(CLI::Range(0, 1024));
  command->add_option("--connections", options.connections, "PostgreSQL connections loading in parallel")
      ->check(CLI::Range(1, 256));
  command->add_flag("--dry-run", options.dry_run, "parse and validate only; write nothing");
  command->add_flag("--force", options.force, "reload files the ledger already holds, replacing their rows");
  command->add_option("--max-reject-ratio", options.max_reject_ratio, "exit 1 when rejected/checked rows exceed this")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--progress", options.progress, "auto|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  command->add_option("--progress-interval", options.progress_interval, "seconds between status lines off a terminal")
      ->check(CLI::PositiveNumber);
  command->add_option("--summary-json", options.summary_json, "write the run's summary as JSON to this file");
  command->add_option("--metrics-file", options.metrics_file,
                      "write Prometheus metrics here (atomically) for node_exporter's textfile collector");
  command->add_option("--pushgateway", options.pushgateway,
                      "push Prometheus metrics to this Pushgateway URL at the end");
  command->add_option("--retries", options.retries, "retries of a unit on transient database faults")
      ->check(CLI::Range(0, 100));
  command->add_option("--max-rejects-per-file", options.max_rejects_per_file,
                      "a file with more rejected rows fails as a whole (0: no limit)");
  command->add_option(
      "--max-line-bytes", options.max_line_bytes,
      "a file with a longer record (line breaks inside quotes included) fails as a whole (0: no limit)");
  command->add_option("--unit-bytes", options.unit_bytes,
                      "small files are grouped into one transaction up to this size");
  command->add_option("--on-success", options.on_success,
                      "after a file commits: keep, move:DIR (archive) or delete (local files)");
  command->add_option("--on-failure", options.on_failure,
                      "for a failed file: keep or move:DIR (quarantine, with DIR/<file>.reason.txt)");
  command->add_flag("--watch", options.watch, "keep running, loading new files as they appear (SIGTERM stops)");
  command->add_option("--interval", options.watch_interval, "with --watch: seconds between listings")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--settle", options.source.settle_seconds,
                   "leave files modified in the last S seconds for a later pass (default: 0, 5 with --watch)")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--quiet", options.quiet, "no informational log lines");
  command->callback([&options, &argv, &exit_code, command] {
    if (options.watch && command->count("--settle") == 0) options.source.settle_seconds = 5;
    exit_code = run_ingest(options, argv);
  });
}

}  // namespace sluice
