#include "load/pg_target.hpp"

#include <fmt/format.h>

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
  pool_ = std::make_unique<ConnectionPool>(options_.dsn, loader_->session_setup_sql());
  sink_ = std::make_unique<PgSink>(*pool_, *loader_, *names_, options_.retry, logger_, stats_);
  ledger_ = std::make_unique<PgLedger>(options_.dsn, *names_, options_.retry, logger_);
}

void PgTarget::finish(const std::string& status, int exit_code) {
  try {
    auto session = std::make_unique<PgSession>(options_.dsn);
    finish_run(session->connection(), *names_, run_id_, stats_, status, exit_code);
  } catch (const std::exception& error) {
    logger_.warn(fmt::format("could not record the end of run {}: {}", run_id_, redact_dsn(error.what())));
  }
}

}  // namespace sluice
