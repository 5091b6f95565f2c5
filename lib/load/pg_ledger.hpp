#pragma once
// The ledger lookups the planner makes (one query per batch) and the disposals it records, with retries.
#include <mutex>

#include "core/logger.hpp"
#include "core/retry.hpp"
#include "load/pg_session.hpp"
#include "load/sql_names.hpp"
#include "pipeline/ledger.hpp"

namespace sluice {

class PgLedger final : public Ledger {
 public:
  /// `session`, when given, is an open session to start with (the run's setup session: one connection less
  /// per run); a broken one is replaced by a fresh connection inside the retries.
  PgLedger(std::string dsn, const SqlNames& names, RetryPolicy retry, Logger& logger,
           std::unique_ptr<PgSession> session = nullptr)
      : dsn_(std::move(dsn)), names_(names), retry_(retry), logger_(logger), session_(std::move(session)) {}

  std::vector<std::optional<LedgerRow>> current(const std::vector<FileRef>& files) override;
  std::vector<std::int64_t> allocate_ids(std::size_t count) override;
  /// Called from the load threads (after their commits); every call is serialised on the one session.
  void mark_disposed(std::int64_t file_id) override;

  /// The ledger's session, for the run's last statement once the pipeline has stopped; null if it has none.
  std::unique_ptr<PgSession> release_session();

 private:
  template <typename Action>
  auto with_session(std::string_view what, Action&& action);

  std::string dsn_;
  const SqlNames& names_;
  RetryPolicy retry_;
  Logger& logger_;
  std::unique_ptr<PgSession> session_;
  std::mutex mutex_;
};

}  // namespace sluice
