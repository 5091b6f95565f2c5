#include "load/ledger_admin.hpp"

#include <fmt/format.h>

#include "load/ledger_rows.hpp"

namespace sluice {

LedgerReport read_ledger_report(pqxx::connection& connection, const SqlNames& names, int limit) {
  pqxx::nontransaction txn(connection);
  LedgerReport report;
  for (const auto& row :
       txn.exec(fmt::format("SELECT status, count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0), "
                            "coalesce(sum(size), 0) FROM {} GROUP BY status ORDER BY status",
                            names.files)))
    report.by_state.push_back({row[0].c_str(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                               row[3].as<std::int64_t>(), row[4].as<std::int64_t>()});
  report.problems_total =
      txn.exec1(fmt::format("SELECT count(*) FROM {} WHERE status IN ('failed', 'given_up')", names.files))[0]
          .as<std::int64_t>();
  for (const auto& row : txn.exec_params(
           fmt::format(
               "SELECT uri, status, attempts, coalesce(error, ''), to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS'), "
               "stored_size IS NOT NULL FROM {} WHERE status IN ('failed', 'given_up') "
               "ORDER BY updated_at DESC, uri LIMIT $1",
               names.files),
           limit))
    report.problems.push_back(
        {row[0].c_str(), row[1].c_str(), row[3].c_str(), row[4].c_str(), row[2].as<int>(), row[5].as<bool>()});
  for (const auto& row : txn.exec(fmt::format(
           "SELECT run_id, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'), status, coalesce(exit_code::text, '-'), "
           "coalesce(shard, ''), coalesce(host, ''), coalesce(files_loaded, 0), coalesce(files_skipped, 0), "
           "coalesce(files_failed, 0), coalesce(rows_loaded, 0), coalesce(rows_rejected, 0) "
           "FROM {} ORDER BY run_id DESC LIMIT 5",
           names.runs)))
    report.runs.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str(),
                           row[5].c_str(), row[6].as<std::int64_t>(), row[7].as<std::int64_t>(),
                           row[8].as<std::int64_t>(), row[9].as<std::int64_t>(), row[10].as<std::int64_t>()});
  return report;
}

std::vector<FileRef> retry_files(pqxx::connection& connection, const SqlNames& names, const RetrySelection& selection) {
  const std::string states = selection.all_given_up ? "('given_up')" : "('failed', 'given_up')";
  const bool every = selection.all_given_up || selection.all_failed;
  pqxx::work txn(connection);
  const pqxx::result changed =
      txn.exec_params(fmt::format("UPDATE {} SET status = 'failed', attempts = 0, updated_at = now() "
                                  "WHERE status IN {} AND ($1 OR uri = ANY($2::text[])) RETURNING uri, size, etag",
                                  names.files, states),
                      every, text_array_literal(selection.uris));
  txn.commit();
  std::vector<FileRef> out;
  for (const auto& row : changed) {
    const std::string uri = row[0].c_str();
    if (uri.starts_with("kafka://")) continue;
    const auto size = row[1].as<std::uint64_t>();
    if (uri.starts_with("s3://")) {
      out.push_back(FileRef::s3(uri, size, row[2].c_str()));
    } else {
      std::int64_t mtime = 0;
      try {
        mtime = std::stoll(row[2].c_str());
      } catch (const std::exception&) {
      }
      out.push_back(FileRef::local(uri, size, mtime));
    }
  }
  return out;
}

}  // namespace sluice
