#include "load/pg_ledger.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "load/unit_loader.hpp"

namespace sluice {

template <typename Action>
auto PgLedger::with_session(std::string_view what, Action&& action) {
  return with_retries(
      retry_, std::string(what), logger_, is_transient_db_error,
      [&] {
        if (!session_) session_ = std::make_unique<PgSession>(dsn_);
        return action(session_->connection());
      },
      [&] { session_.reset(); });
}

std::vector<LedgerEntry> PgLedger::known(const std::vector<FileRef>& files) {
  std::vector<std::string> uris;
  uris.reserve(files.size());
  for (const FileRef& file : files) uris.push_back(file.uri);
  const std::string sql = fmt::format(
      "SELECT uri, size, etag, status, coalesce(error, '') FROM {} WHERE uri = ANY($1::text[])", names_.files);
  const pqxx::result rows = with_session("reading the file ledger", [&](pqxx::connection& connection) {
    pqxx::nontransaction txn(connection);
    return txn.exec_params(sql, text_array_literal(uris));
  });
  std::unordered_map<std::string_view, std::size_t> index_of;
  for (std::size_t i = 0; i < files.size(); ++i) index_of.emplace(files[i].uri, i);
  std::vector<LedgerEntry> known(files.size());
  for (const auto& row : rows) {
    const auto found = index_of.find(row[0].c_str());
    if (found == index_of.end()) continue;
    const FileRef& file = files[found->second];
    LedgerEntry& entry = known[found->second];
    entry.known = file.same_version(row[1].as<std::uint64_t>(), row[2].c_str());
    entry.failed = std::string_view(row[3].c_str()) == "failed";
    entry.error = row[4].c_str();
  }
  return known;
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

}  // namespace sluice
