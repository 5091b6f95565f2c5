#pragma once
// One run of `ingest` or `consume`, from start to end: the logger, the counters, the stop signal, progress,
// the PostgreSQL target (or nothing for --dry-run), judging the outcome, the summary, the metrics and the
// runs row. The two modes are drivers handed a RunContext; whatever ends a run (success, failed files, a
// fatal error, an unexpected exception, a signal), the session reports it the same way.
#include <functional>
#include <memory>

#include "config/config.hpp"
#include "core/fail_points.hpp"
#include "core/logger.hpp"
#include "core/run_outcome.hpp"
#include "core/run_stats.hpp"
#include "core/stop_signal.hpp"
#include "pipeline/ledger.hpp"
#include "pipeline/ledger_rules.hpp"
#include "pipeline/unit_sink.hpp"
#include "run/metrics_publisher.hpp"
#include "run/run_options.hpp"

namespace sluice {

class SignalWatcher;

/// What a mode loads with, for the length of one run.
struct RunContext {
  const RunOptions& options;
  const Config& config;
  Ledger& ledger;
  UnitSink& sink;
  RunStats& stats;
  StopSignal& stop;
  Logger& logger;
  const FailPoints& fail_points;
  /// Publishes the metrics of the run so far: a long run calls it after each batch or pass.
  std::function<void()> publish_progress;
};

/// How the session writes: into PostgreSQL, or nowhere.
struct SessionMode {
  bool dry_run = false;  ///< parse and validate only: no connection, no ledger
  LedgerRules rules;     ///< --force, --max-attempts, queue folders
  /// Loads commit without waiting for the disk (PgTargetOptions::async_commits): only for a run that acts on no
  /// commit before it ends.
  bool async_commits = false;
};

/// The config file (or the default sensor format) with --schema applied; throws UsageError.
Config effective_config(const std::string& config_path, const std::string& schema);

LogFormat parse_log_format(const std::string& text);

class RunSession {
 public:
  /// Sets up logging, reads the config and starts watching for SIGINT/SIGTERM. Throws UsageError for a bad
  /// config, before any connection.
  RunSession(const RunOptions& options, SessionMode mode, FailPoints fail_points);
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  [[nodiscard]] Logger& logger() { return logger_; }
  [[nodiscard]] const Config& config() const { return config_; }

  /// Connects, runs `mode`, judges how it went, and ends the run: summary on stdout, --summary-json, metrics,
  /// the runs row completed with status and exit code. Returns the exit code; never throws.
  int execute(const std::function<void(RunContext&)>& mode);

 private:
  RunOutcome run_guarded(const std::function<void(RunContext&)>& mode);
  RunOutcome run_with(Ledger& ledger, UnitSink& sink, const std::function<void(RunContext&)>& mode);
  void report(const RunOutcome& outcome);

  const RunOptions& options_;
  SessionMode mode_;
  FailPoints fail_points_;
  Logger logger_;
  Config config_;
  RunStats stats_;
  StopSignal stop_;
  std::unique_ptr<SignalWatcher> watcher_;
  MetricsPublisher metrics_;
};

}  // namespace sluice
