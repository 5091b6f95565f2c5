#include "load/pg_ledger.hpp"

#include <fmt/format.h>

#include "load/ledger_rows.hpp"

namespace sluice {

template <typename Action>
auto PgLedger::with_session(std::string_view what, Action&& action, ConnectionPool::Need need) {
  ConnectionPool::Lease lease = pool_.acquire(need);
  return with_retries(
      retry_, std::string(what), logger_, is_transient_db_error, [&] { return action(lease.open().connection()); },
      [&] { lease.discard(); });
}

std::vector<std::optional<LedgerRow>> PgLedger::current(const std::vector<FileRef>& files) {
  std::vector<std::string> uris;
  uris.reserve(files.size());
  for (const FileRef& file : files) uris.push_back(file.uri);
  auto rows = with_session("reading the file ledger", [&](pqxx::connection& connection) {
    pqxx::nontransaction txn(connection);
    return current_ledger_rows(txn, names_, uris);
  });
  std::vector<std::optional<LedgerRow>> out(files.size());
  for (std::size_t i = 0; i < files.size(); ++i)
    if (const auto found = rows.find(files[i].uri); found != rows.end()) out[i] = found->second;
  return out;
}

std::vector<std::int64_t> PgLedger::allocate_ids(std::size_t count) {
  const std::string sql = "SELECT nextval($2::regclass) FROM generate_series(1, $1)";
  const pqxx::result rows = with_session("allocating file ids", [&](pqxx::connection& connection) {
    pqxx::nontransaction txn(connection);
    return txn.exec_params(sql, static_cast<std::int64_t>(count), names_.file_id_seq);
  });
  std::vector<std::int64_t> ids;
  ids.reserve(count);
  for (const auto& row : rows) ids.push_back(row[0].as<std::int64_t>());
  return ids;
}

void PgLedger::mark_disposed(std::int64_t file_id) {
  const std::string sql = fmt::format(
      "UPDATE {} SET status = 'disposed', dispose_pending = false, updated_at = now() WHERE file_id = $1 "
      "AND status = 'loaded'",
      names_.files);
  // The file is gone from its folder already: until this mark its row is pending, so no wait for a busy session.
  with_session(
      "recording a moved or deleted file",
      [&](pqxx::connection& connection) {
        pqxx::nontransaction txn(connection);
        txn.exec_params(sql, file_id);
        return 0;
      },
      ConnectionPool::Need::now);
}

}  // namespace sluice
