#include "load/pg_target.hpp"

#include <fmt/format.h>

#include <pqxx/except>

#include "core/errors.hpp"
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
        const RunStart start = start_run(admin_->connection(), *names_, options_.command_line, options_.shard);
        run_id_ = start.run_id;
        server_started_ = start.server_started;
      },
      [&] { admin_.reset(); });
  loader_ = std::make_unique<UnitLoader>(*names_, run_id_, options_.rules,
                                         options_.async_commits ? &async_committed_ : nullptr);
  // The setup session becomes one of the pool's: a run holds at most --connections sessions, and each one it
  // does not open saves the server a backend start, a noticeable part of a short run. The others open when loads
  // queue for a session.
  pool_ = std::make_unique<ConnectionPool>(options_.dsn, options_.connections, options_.session_wait);
  pool_->adopt(std::move(admin_));
  sink_ = std::make_unique<PgSink>(*pool_, *loader_, *names_, options_.retry, logger_, stats_);
  ledger_ = std::make_unique<PgLedger>(*pool_, *names_, options_.retry, logger_);
}

void PgTarget::confirm_durable() {
  if (!options_.async_commits) return;
  ConnectionPool::Lease lease = pool_->acquire();
  with_retries(
      options_.retry, "confirming the run's commits are on disk", logger_, is_transient_db_error,
      [&] {
        pqxx::connection& connection = lease.open().connection();
        if (record_progress_durably(connection, *names_, run_id_, stats_) == server_started_) return;
        // The server restarted: a crash takes back the commits whose WAL had not reached disk yet.
        const std::vector<std::int64_t> ids = async_committed_.distinct();
        const std::int64_t kept = ledger_rows_of_run(connection, *names_, run_id_, ids);
        if (kept < static_cast<std::int64_t>(ids.size()))
          throw FatalError(fmt::format(
              "PostgreSQL restarted during the run and {} of the {} files it committed were lost with it (their "
              "commits had not reached disk): run again, and the ledger loads them",
              static_cast<std::int64_t>(ids.size()) - kept, ids.size()));
        logger_.info(
            fmt::format("PostgreSQL restarted during the run; all {} files it committed are on disk", ids.size()));
      },
      [&] { lease.discard(); });
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
