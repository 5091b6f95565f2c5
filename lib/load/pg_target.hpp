#pragma once
// Everything a run that loads into PostgreSQL sets up once: the schema, its runs row, the connection
// pool, the load stage and the ledger lookups.
#include <chrono>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "core/logger.hpp"
#include "core/retry.hpp"
#include "core/run_stats.hpp"
#include "load/committed_files.hpp"
#include "load/connection_pool.hpp"
#include "load/pg_ledger.hpp"
#include "load/pg_sink.hpp"
#include "load/sql_names.hpp"
#include "load/unit_loader.hpp"

namespace sluice {

struct PgTargetOptions {
  std::string dsn;
  LedgerRules rules;
  RetryPolicy retry;
  std::string command_line;  ///< secrets already removed
  std::string shard = "0/1";
  int connections = 2;  ///< sessions the run holds at most
  std::chrono::milliseconds session_wait{100};  ///< ConnectionPool's patience
  /// Loads commit without waiting for their WAL to reach disk; confirm_durable() makes up for it at the end. Only
  /// where nothing acts on a commit before the run ends: no file is moved or deleted, no Kafka offset committed.
  bool async_commits = false;
};

class PgTarget {
 public:
  /// Connects (with retries: FatalError when unreachable), creates or checks the schema, starts a run.
  PgTarget(const Config& config, PgTargetOptions options, Logger& logger, RunStats& stats);

  UnitSink& sink() { return *sink_; }
  Ledger& ledger() { return *ledger_; }
  [[nodiscard]] const SqlNames& names() const { return *names_; }
  [[nodiscard]] std::int64_t run_id() const { return run_id_; }

  /// With async_commits, before the run reports anything: a commit that waits for the disk, which makes every
  /// load's commit durable; and if the server restarted during the run, a check that no ledger row the run
  /// committed was lost with it. Throws FatalError (exit 3, run again: the ledger loads the lost files) if one was.
  void confirm_durable();

  /// Completes the runs row; best effort, since the database may be why the run ends.
  void finish(const std::string& status, int exit_code);

 private:
  PgTargetOptions options_;
  Logger& logger_;
  RunStats& stats_;
  std::unique_ptr<PgSession> admin_;
  std::unique_ptr<SqlNames> names_;
  std::int64_t run_id_ = 0;
  std::string server_started_;      ///< pg_postmaster_start_time() when the run started
  CommittedFiles async_committed_;  ///< with async_commits: the ledger rows the loads committed
  std::unique_ptr<UnitLoader> loader_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<PgSink> sink_;
  std::unique_ptr<PgLedger> ledger_;
};

}  // namespace sluice
