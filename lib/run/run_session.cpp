#include "run/run_session.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <pqxx/except>

#include "core/errors.hpp"
#include "core/redact.hpp"
#include "load/pg_target.hpp"
#include "report/progress.hpp"
#include "report/summary.hpp"
#include "run/judge.hpp"
#include "run/signals.hpp"

namespace sluice {
namespace {

RunOutcome ended(std::string status, ExitCode code, bool dry_run, std::string error) {
  return RunOutcome{std::move(status), static_cast<int>(code), dry_run, redact_dsn(error)};
}

}  // namespace

Config effective_config(const std::string& config_path, const std::string& schema) {
  Config config = config_path.empty() ? default_config() : load_config(config_path);
  if (!schema.empty()) config.schema = schema;
  return config;
}

LogFormat parse_log_format(const std::string& text) { return text == "json" ? LogFormat::json : LogFormat::text; }

RunSession::RunSession(const RunOptions& options, SessionMode mode, FailPoints fail_points)
    : options_(options),
      mode_(mode),
      fail_points_(std::move(fail_points)),
      logger_(parse_log_format(options.log_format), options.quiet),
      config_(effective_config(options.config_path, options.schema)),
      watcher_(std::make_unique<SignalWatcher>(stop_, logger_)),
      metrics_(MetricsTargets{options.metrics_file, options.pushgateway, options.shard, options.metrics_labels},
               logger_) {}

RunSession::~RunSession() = default;

int RunSession::execute(const std::function<void(RunContext&)>& mode) {
  RunOutcome outcome;
  {
    Progress progress(stats_, parse_progress_mode(options_.progress), options_.progress_interval);
    logger_.set_line_guard(&progress.terminal_mutex());
    outcome = run_guarded(mode);
    progress.stop();
    logger_.set_line_guard(nullptr);
  }
  report(outcome);
  return outcome.exit_code;
}

RunOutcome RunSession::run_with(Ledger& ledger, UnitSink& sink, const std::function<void(RunContext&)>& mode) {
  const JudgeRules rules{options_.max_reject_ratio, mode_.dry_run};
  RunContext context{options_, config_,      ledger,
                     sink,     stats_,       stop_,
                     logger_,  fail_points_, [&] {
                       metrics_.publish(stats_, judge_run(stats_, rules, false), true); }};
  mode(context);
  return judge_run(stats_, rules, stop_.requested());
}

// Every way out of a run becomes an outcome here, so the report and the runs row never go missing.
RunOutcome RunSession::run_guarded(const std::function<void(RunContext&)>& mode) {
  std::optional<PgTarget> target;
  RunOutcome outcome;
  try {
    if (mode_.dry_run) {
      NullLedger ledger;
      DryRunSink sink;
      outcome = run_with(ledger, sink, mode);
    } else {
      RetryPolicy retry;
      retry.retries = options_.retries;
      target.emplace(
          config_,
          PgTargetOptions{options_.db, mode_.rules, retry, options_.command_line, options_.shard, options_.connections,
                          std::chrono::milliseconds(std::llround(options_.session_wait * 1000)), mode_.async_commits},
          logger_, stats_);
      outcome = run_with(target->ledger(), target->sink(), mode);
      target->confirm_durable();  // before anything is reported
    }
  } catch (const UsageError& error) {
    outcome = ended("usage", ExitCode::usage, mode_.dry_run, error.what());
  } catch (const FatalError& error) {
    outcome = ended("fatal", ExitCode::fatal, mode_.dry_run, error.what());
  } catch (const pqxx::broken_connection& error) {
    outcome = ended("fatal", ExitCode::fatal, mode_.dry_run, fmt::format("cannot reach PostgreSQL: {}", error.what()));
  } catch (const std::exception& error) {
    outcome = ended("fatal", ExitCode::fatal, mode_.dry_run, fmt::format("unexpected error: {}", error.what()));
  } catch (...) {
    outcome = ended("fatal", ExitCode::fatal, mode_.dry_run, "unexpected error of an unknown type");
  }
  if (target) target->finish(outcome.status, outcome.exit_code);
  return outcome;
}

void RunSession::report(const RunOutcome& outcome) {
  if (!outcome.error.empty()) logger_.error(outcome.error);
  std::cout << human_summary(stats_, outcome) << std::flush;
  if (!options_.summary_json.empty()) {
    try {
      write_file_atomically(options_.summary_json, json_summary(stats_, outcome));
    } catch (const std::exception& error) {
      logger_.warn(fmt::format("summary not written: {}", error.what()));
    }
  }
  metrics_.publish(stats_, outcome, false);
}

}  // namespace sluice
