#include "load/pg_target.hpp"

#include <fmt/format.h>

#include <pqxx/except>

#include "core/redact.hpp"
#include "load/run_log.hpp"
#include "load/schema.hpp"

namespace sluice {

PgTarget::PgTarget(const Config& config, PgTargetOptions options, Logger& logger, RunStats& stats)
    : options_(std::move(options)), logger_(logger), stats_(stats) {
  with_retries(
      options_.retry, "connecting to PostgreSQL and preparing the schema", logger_, is_transient_db_error,
      [&] {
        if (!admin_) admin_ = std::make_unique<PgSession>(options_.dsn);
        init_schema(admin_->connection(), config);
        names_ = std::make_unique<SqlNames>(admin_->connection(), config);
        run_id_ = start_run(admin_->connection(), *names_, options_.command_line, options_.shard);
      },
      [&] { admin_.reset(); });
  loader_ = std::make_unique<UnitLoader>(*names_, run_id_, options_.rules);
  // The setup session becomes one of the pool's: a run holds at most --connections sessions, and each one it
  // does not open saves the server a backend start, a noticeable part of a short run. The others open when loads
  // queue for a session.
  pool_ = std::make_unique<ConnectionPool>(options_.dsn, options_.connections, options_.session_wait);
  pool_->adopt(std::move(admin_));
  sink_ = std::make_unique<PgSink>(*pool_, *loader_, *names_, options_.retry, logger_, stats_);
  ledger_ = std::make_unique<PgLedger>(*pool_, *names_, options_.retry, logger_);
}

void PgTarget::finish(const std::string& status, int exit_code) {
  try {
    // The pipeline has stopped: every session is back, and acquire() hands out only open ones.
    ConnectionPool::Lease lease = pool_->acquire();
    if (lease.operator->()) {
      try {
        finish_run(lease->connection(), *names_, run_id_, stats_, status, exit_code);
        return;
      } catch (const pqxx::broken_connection&) {
        lease.discard();  // idle too long, or the server restarted: one fresh connection below
      }
    }
    finish_run(lease.open().connection(), *names_, run_id_, stats_, status, exit_code);
  } catch (const std::exception& error) {
    logger_.warn(fmt::format("could not record the end of run {}: {}", run_id_, redact_dsn(error.what())));
  }
}

}  // namespace sluice
