#include "load/run_log.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace sluice {

std::int64_t start_run(pqxx::connection& connection, const SqlNames& names, const std::string& args,
                       const std::string& shard) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  pqxx::work txn(connection);
  const auto row = txn.exec_params1(
      fmt::format("INSERT INTO {} (host, args, shard) VALUES ($1, $2, $3) RETURNING run_id", names.runs),
      std::string(host), args, shard);
  txn.commit();
  return row[0].as<std::int64_t>();
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
