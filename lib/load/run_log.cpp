#include "load/run_log.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

namespace sluice {

RunStart start_run(pqxx::connection& connection, const SqlNames& names, const std::string& args,
                   const std::string& shard) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  pqxx::work txn(connection);
  const auto row = txn.exec_params1(fmt::format("INSERT INTO {} (host, args, shard) VALUES ($1, $2, $3) "
                                                "RETURNING run_id, pg_postmaster_start_time()::text",
                                                names.runs),
                                    std::string(host), args, shard);
  txn.commit();
  return RunStart{row[0].as<std::int64_t>(), row[1].as<std::string>()};
}

std::string record_progress_durably(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id,
                                    const RunStats& stats) {
  pqxx::work txn(connection);
  txn.exec0("SET LOCAL synchronous_commit = on");  // whatever the role's or the database's default
  const auto row = txn.exec_params1(
      fmt::format("UPDATE {} SET files_loaded = $2, files_skipped = $3, files_failed = $4, rows_loaded = $5, "
                  "rows_rejected = $6 WHERE run_id = $1 RETURNING pg_postmaster_start_time()::text",
                  names.runs),
      run_id, stats.files_loaded.load(), stats.files_skipped.load(), stats.files_failed.load(),
      stats.rows_loaded.load(), stats.rows_rejected.load());
  txn.commit();
  return row[0].as<std::string>();
}

std::int64_t ledger_rows_of_run(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id,
                                const std::vector<std::int64_t>& file_ids) {
  pqxx::nontransaction txn(connection);
  return txn
      .exec_params1(
          fmt::format("SELECT count(*) FROM {} WHERE file_id = ANY($1::bigint[]) AND run_id = $2", names.files),
          fmt::format("{{{}}}", fmt::join(file_ids, ",")), run_id)[0]
      .as<std::int64_t>();
}

void finish_run(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id, const RunStats& stats,
                const std::string& status, int exit_code) {
  pqxx::work txn(connection);
  txn.exec_params(
      fmt::format("UPDATE {} SET finished_at = now(), status = $2, files_loaded = $3, files_skipped = $4, "
                  "files_failed = $5, rows_loaded = $6, rows_rejected = $7, exit_code = $8 WHERE run_id = $1",
                  names.runs),
      run_id, status, stats.files_loaded.load(), stats.files_skipped.load(), stats.files_failed.load(),
      stats.rows_loaded.load(), stats.rows_rejected.load(), exit_code);
  txn.commit();
}

}  // namespace sluice
