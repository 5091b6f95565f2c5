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
};

class PgTarget {
 public:
  /// Connects (with retries: FatalError when unreachable), creates or checks the schema, starts a run.
  PgTarget(const Config& config, PgTargetOptions options, Logger& logger, RunStats& stats);

  UnitSink& sink() { return *sink_; }
  Ledger& ledger() { return *ledger_; }
  [[nodiscard]] const SqlNames& names() const { return *names_; }
  [[nodiscard]] std::int64_t run_id() const { return run_id_; }

  /// Completes the runs row; best effort, since the database may be why the run ends.
  void finish(const std::string& status, int exit_code);

 private:
  PgTargetOptions options_;
  Logger& logger_;
  RunStats& stats_;
  std::unique_ptr<PgSession> admin_;
  std::unique_ptr<SqlNames> names_;
  std::int64_t run_id_ = 0;
  std::unique_ptr<UnitLoader> loader_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<PgSink> sink_;
  std::unique_ptr<PgLedger> ledger_;
};

}  // namespace sluice
