#pragma once
// The ledger lookups the planner makes (one query per batch) and the disposals it records, with retries.

#include "core/logger.hpp"
#include "core/retry.hpp"
#include "load/connection_pool.hpp"
#include "load/sql_names.hpp"
#include "pipeline/ledger.hpp"

namespace sluice {

class PgLedger final : public Ledger {
 public:
  /// Each lookup leases one of the run's sessions from `pool` for its duration (a broken one is replaced by a
  /// fresh connection inside the retries), so the ledger costs the run no connection of its own.
  PgLedger(ConnectionPool& pool, const SqlNames& names, RetryPolicy retry, Logger& logger)
      : pool_(pool), names_(names), retry_(retry), logger_(logger) {}

  std::vector<std::optional<LedgerRow>> current(const std::vector<FileRef>& files) override;
  std::vector<std::int64_t> allocate_ids(std::size_t count) override;
  /// Called from the load threads (after their commits, their sessions given back).
  void mark_disposed(std::int64_t file_id) override;

 private:
  template <typename Action>
  auto with_session(std::string_view what, Action&& action, ConnectionPool::Need need = ConnectionPool::Need::can_wait);

  ConnectionPool& pool_;
  const SqlNames& names_;
  RetryPolicy retry_;
  Logger& logger_;
};

}  // namespace sluice
