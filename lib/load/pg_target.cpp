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
  pool_ = std::make_unique<ConnectionPool>(options_.dsn);
  pool_->warm_up(options_.connections);
  sink_ = std::make_unique<PgSink>(*pool_, *loader_, *names_, options_.retry, logger_, stats_);
  // The setup session goes on as the ledger's, and ends the run: each connection costs the server a backend
  // start, which is a noticeable part of a short run.
  ledger_ = std::make_unique<PgLedger>(options_.dsn, *names_, options_.retry, logger_, std::move(admin_));
}

void PgTarget::finish(const std::string& status, int exit_code) {
  std::unique_ptr<PgSession> session = ledger_ ? ledger_->release_session() : std::move(admin_);
  try {
    if (session && session->connection().is_open()) {
      try {
        finish_run(session->connection(), *names_, run_id_, stats_, status, exit_code);
        return;
      } catch (const pqxx::broken_connection&) {
        // idle too long, or the server restarted: one fresh connection below
      }
    }
    session = std::make_unique<PgSession>(options_.dsn);
    finish_run(session->connection(), *names_, run_id_, stats_, status, exit_code);
  } catch (const std::exception& error) {
    logger_.warn(fmt::format("could not record the end of run {}: {}", run_id_, redact_dsn(error.what())));
  }
}

}  // namespace sluice
